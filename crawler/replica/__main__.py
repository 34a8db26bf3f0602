from crawler.replica import main

main()
