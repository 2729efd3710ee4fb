"""Make the document fixtures of tests/test_documents.py from the team's invented report.

`tests/fixtures/documents/report.txt` (UTF-8, written by hand) and `report_traditional.txt` (the
same report in traditional characters) are the sources. This writes the report as UTF-8 with a
BOM, with CRLF, as GBK, as Big5 (the traditional one), as GB18030 text copied out of a PDF viewer
(Kangxi radicals, lines wrapped at 25 characters, one inside 同比上升), as a web page with
navigation, a sidebar and a footer, as a printable page, and as a DOCX with a footer. With
`--pdf` it also prints the printable page to `report.pdf` through headless Chromium
(Debian: `apt-get install chromium fonts-noto-cjk`).

    python scripts/make_document_fixtures.py [--pdf]
"""

from __future__ import annotations

import argparse
import datetime
import html
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "documents"
# what a PDF viewer gives for characters the font also draws as radicals
KANGXI = str.maketrans("比人网行一月金子", "⽐⼈⽹⾏⼀⽉⾦⼦")
WRAP = 25
PUBLISHED = datetime.datetime(2025, 4, 8, 9, 30)

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}_松川市人民政府门户网站</title>
<meta name="PubDate" content="2025-04-08 09:30">
<script>var pageId = 20250408; var visits = 9182;</script>
<style>nav a {{ margin: 0 1em; }}</style>
</head>
<body>
<header><div class="logo">松川市人民政府门户网站</div>
<nav><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/jwgk/">警务公开</a>
<a href="/list_2.html">第2页</a> <a href="/list_3.html">第3页</a></nav></header>
<div class="main">
<div class="article">
<h1>{title}</h1>
<div class="info">发布时间：2025-04-08 09:30　来源：松川市公安局</div>
<div class="content">
{body}<p><a href="/jwgk/2025/0408/t20250408_7731.html">相关链接</a></p>
</div></div>
<aside class="sidebar"><h3>热点新闻</h3><ul>
<li><a href="/news/1.html">青禾县破获盗窃案件56起</a></li>
<li><a href="/news/2.html">全市交通事故同比下降8.8%</a></li>
<li><a href="/news/3.html">追缴赃款930万元</a></li>
</ul></aside>
</div>
<footer><p>主办：松川市人民政府办公室　电话：0739-5512345</p>
<p>版权所有 2025 松川市人民政府　网站标识码4309000021</p></footer>
</body>
</html>
"""

PRINTABLE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 14pt; width: 30em; margin: 2em auto; }}
h1 {{ font-size: 16pt; }}
.next-page {{ break-before: page; }}
</style>
</head>
<body>
<h1>{title}</h1>
{body}</body>
</html>
"""
# the printable page starts page 2 at this paragraph (counting the title as 1)
PAGE_BREAK_AT = 6
PDF_COMMAND = (
    "chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf=report.pdf report_print.html"
)


def report_paragraphs(name: str = "report.txt") -> list[str]:
    """The report's paragraphs: the title first."""
    return [p.strip() for p in (FIXTURES / name).read_text(encoding="utf8").split("\n\n") if p.strip()]


def wrapped(paragraphs: list[str]) -> str:
    """Paragraphs wrapped at WRAP characters with no blank line between them, as a PDF viewer
    copies text; no full line may end a sentence, or the reader could not tell it was wrapped."""
    lines = [p[i : i + WRAP] for p in paragraphs for i in range(0, len(p), WRAP)]
    assert "同比上\n升27.4%" in "\n".join(lines), "the wrap no longer breaks 同比上升"
    assert not any(len(line) == WRAP and line[-1] in "。；：" for line in lines)
    return "\n".join(lines) + "\n"


def write_docx(paragraphs: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading(paragraphs[0], level=1)
    for paragraph in paragraphs[1:]:
        document.add_paragraph(paragraph)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "松川市公安局办公室2025年4月8日印发，共印50份"
    document.core_properties.title = paragraphs[0]
    document.core_properties.created = PUBLISHED
    document.core_properties.modified = PUBLISHED
    document.core_properties.author = "松川市公安局"
    document.save(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdf", action="store_true", help="also print report.pdf with headless Chromium")
    args = parser.parse_args()
    paragraphs = report_paragraphs()
    text = "\n\n".join(paragraphs) + "\n"
    (FIXTURES / "report_bom.txt").write_bytes(text.encode("utf-8-sig"))
    (FIXTURES / "report_crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf8"))
    (FIXTURES / "report_gbk.txt").write_bytes(text.encode("gbk"))
    (FIXTURES / "report_gb18030.txt").write_bytes(wrapped(paragraphs).translate(KANGXI).encode("gb18030"))
    traditional = "\n\n".join(report_paragraphs("report_traditional.txt")) + "\n"
    (FIXTURES / "report_big5.txt").write_bytes(traditional.encode("big5"))
    title, body = paragraphs[0], paragraphs[1:]
    page_body = "".join(f"<p>{html.escape(p)}</p>\n" for p in body)
    (FIXTURES / "report.html").write_text(PAGE.format(title=title, body=page_body), encoding="utf8")
    print_body = "".join(
        f'<p class="next-page">{html.escape(p)}</p>\n' if i == PAGE_BREAK_AT else f"<p>{html.escape(p)}</p>\n"
        for i, p in enumerate(body, 2)
    )
    (FIXTURES / "report_print.html").write_text(PRINTABLE.format(title=title, body=print_body), encoding="utf8")
    write_docx(paragraphs, FIXTURES / "report.docx")
    if args.pdf:
        subprocess.run(PDF_COMMAND.split(), cwd=FIXTURES, check=True, capture_output=True)


if __name__ == "__main__":
    main()
