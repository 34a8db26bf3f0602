from crawler.replica.hostile import main

main()
