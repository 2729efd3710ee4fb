"""Reading real documents: one invented report saved in every form a user has it in, bad files,
and the cleaning step they all share. The fixtures are in tests/fixtures/documents, made by
scripts/make_document_fixtures.py from report.txt and report_traditional.txt."""

import datetime
import io
import json
from pathlib import Path

import pytest

import zh_metrics
from conftest import invoke
from zh_metrics.documents import DocumentError, clean_text, decode, paragraphs, read_document, read_documents
from zh_metrics.pipeline.vocabulary import PAGE_NUMBER_LINE

FIXTURES = Path(__file__).parent / "fixtures" / "documents"
REPORT = [p.strip() for p in (FIXTURES / "report.txt").read_text(encoding="utf8").split("\n\n")]
ORG, CAMPAIGN = "松川市公安局", "“清源”行动"
# the report's figures, read by hand: (paragraph, indicator, text, value, unit, qualifier, change, basis)
FIGURES = [
    (3, "破获电信网络诈骗案件", "318起", 318, "起", "exact", 0.274, "同比"),
    (3, "抓获犯罪嫌疑人", "452人", 452, "人", "exact", 0.156, "同比"),
    (4, "冻结涉案资金", "1.86亿元", 186_000_000, "元", "exact", None, None),
    (4, "挽回经济损失", "4200余万元", 42_000_000, "元", "more_than", None, None),
    (5, "电信网络诈骗发案数", "12.3%", None, None, None, -0.123, "环比"),
    (5, "破案率", "64.85%", 0.6485, "ratio", "exact", None, None),
    (6, "开展防骗宣传活动", "1,275场次", 1275, "场次", "exact", None, None),
    (6, "覆盖群众", "36万余人", 360_000, "人", "more_than", None, None),
]
# the campaign of each (docs/ANNOTATION.md, "Records"): 行动中 ties paragraph 3 to it; the
# paragraphs after it do not say their figures are the campaign's
CAMPAIGNS = [CAMPAIGN] * 2 + [None] * 6


@pytest.fixture(scope="module")
def nlp(ruler_pipeline):
    return zh_metrics.load(ruler_pipeline)


def figures(records) -> list[tuple]:
    """What a record says about its figure, without where it came from."""
    rows = []
    for record in records:
        m = record.metric
        change = (m.change.value, m.change.basis) if m.change else (None, None)
        rows.append((m.indicator, m.text, m.value, m.unit, m.qualifier, *change))
        assert m.organisation == ORG, m
    assert [record.metric.campaign for record in records] == CAMPAIGNS[: len(rows)]
    return rows


EXPECTED = [figure[1:] for figure in FIGURES]


@pytest.mark.parametrize("name", ["report.txt", "report_bom.txt", "report_crlf.txt", "report_gbk.txt"])
def test_the_report_as_text_in_any_encoding_gives_its_figures(nlp, name):
    document = read_document(FIXTURES / name)
    assert [p.text for p in document.paragraphs] == REPORT
    assert (document.format, document.date, document.title) == ("txt", None, None)
    records = zh_metrics.extract_document(document, nlp)
    assert figures(records) == EXPECTED
    assert [(r.document, r.paragraph, r.page) for r in records] == [(str(FIXTURES / name), f[0], None) for f in FIGURES]


def test_the_fixtures_are_what_they_claim_to_be():
    raw = {name: (FIXTURES / name).read_bytes() for name in ("report_bom.txt", "report_crlf.txt", "report_gbk.txt")}
    assert raw["report_bom.txt"].startswith(b"\xef\xbb\xbf") and b"\r\n" in raw["report_crlf.txt"]
    with pytest.raises(UnicodeDecodeError):
        raw["report_gbk.txt"].decode("utf8")
    copied = (FIXTURES / "report_gb18030.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        copied.decode("gbk")  # the Kangxi radicals need GB18030's four-byte sequences
    assert "同⽐上\n升27.4%" in copied.decode("gb18030")


def test_text_copied_out_of_a_pdf_kangxi_radicals_and_lines_broken_inside_figures(nlp):
    """report_gb18030.txt: the report as a PDF viewer copies it (⽐ ⼈ ⽹ ⾏ for 比 人 网 行,
    lines wrapped at 25 characters: 同比上|升27.4%, 15|.6%, 4|200余万元) saved as GB18030."""
    document = read_document(FIXTURES / "report_gb18030.txt")
    assert [p.text for p in document.paragraphs] == REPORT
    assert figures(zh_metrics.extract_document(document, nlp)) == EXPECTED


def test_a_kangxi_radical_and_a_line_broken_inside_a_figure_are_mended(nlp):
    wrapped = "松川市公安局通报\n破获电信⽹络诈骗案件318起，同⽐上\n升27.4%；抓获犯罪嫌疑⼈452⼈，同⽐\n上升15.6%。\n"
    (paragraph_1, paragraph_2) = paragraphs([(None, wrapped)], first_line=1)
    assert (paragraph_1.text, paragraph_1.line) == ("松川市公安局通报", 1)
    assert paragraph_2.text == "破获电信网络诈骗案件318起，同比上升27.4%；抓获犯罪嫌疑人452人，同比上升15.6%。"
    assert paragraph_2.line == 2
    (rate,) = [m.change for m in zh_metrics.extract(paragraph_2.text, nlp) if m.text == "318起"]
    assert (rate.value, rate.basis) == (0.274, "同比")


def test_big5_traditional_text_is_decoded(nlp):
    document = read_document(FIXTURES / "report_big5.txt")
    traditional = (FIXTURES / "report_traditional.txt").read_text(encoding="utf8")
    assert [p.text for p in document.paragraphs] == [p.strip() for p in traditional.split("\n\n") if p.strip()]
    records = zh_metrics.extract_document(document, nlp)
    assert [(r.metric.text, r.metric.change and r.metric.change.text) for r in records] == [
        ("318起", "27.4%"),
        ("452人", "15.6%"),
        ("1.86億元", None),
        ("4200餘萬元", None),
        ("12.3%", "12.3%"),
        ("64.85%", None),
        ("1,275場次", None),
        ("36萬餘人", None),
    ]
    # traditional magnitudes and 餘 read as the simplified ones do
    values = {r.metric.text: (r.metric.value, r.metric.unit, r.metric.qualifier) for r in records}
    assert values == {
        "318起": (318, "起", "exact"),
        "452人": (452, "人", "exact"),
        "1.86億元": (186_000_000, "元", "exact"),
        "4200餘萬元": (42_000_000, "元", "more_than"),
        "12.3%": (None, None, None),
        "64.85%": (0.6485, "ratio", "exact"),
        "1,275場次": (1275, "場次", "exact"),
        "36萬餘人": (360_000, "人", "more_than"),
    }


def test_a_web_page_gives_its_main_text_title_and_date_and_nothing_of_its_furniture(nlp):
    """report.html: navigation (第2页), a sidebar with figures of other news (56起, 8.8%, 930万元,
    all known to the test pipeline), a footer, a script, and a link whose target holds a number."""
    document = read_document(FIXTURES / "report.html")
    assert [p.text for p in document.paragraphs] == [*REPORT[1:], "相关链接"]
    assert document.title == REPORT[0] and document.date == datetime.date(2025, 4, 8)
    text = "".join(p.text for p in document.paragraphs)
    for furniture in ("首页", "第2页", "热点", "56起", "8.8%", "930万元", "7731", "9182", "0739", "版权"):
        assert furniture not in text
    records = zh_metrics.extract_document(document, nlp)
    assert figures(records) == EXPECTED
    assert [(r.paragraph, r.date) for r in records] == [(f[0] - 1, datetime.date(2025, 4, 8)) for f in FIGURES]


def test_a_pdf_printed_by_chromium_gives_the_figures_with_their_pages(nlp):
    """report.pdf was printed from report_print.html (a page break before the sixth paragraph) by
    Debian's Chromium 156 with fonts-noto-cjk, in tests/fixtures/documents:

        chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf=report.pdf report_print.html

    Its text layer has Kangxi radicals (⾏ ⽹ ⼈ ⽐) and lines broken inside 4200余万|元. Its
    metadata's creation date is the day it was printed: /CreationDate (D:20261205155135+00'00')."""
    document = read_document(FIXTURES / "report.pdf")
    assert [p.text for p in document.paragraphs] == REPORT
    assert [p.page for p in document.paragraphs] == [1, 1, 1, 1, 1, 2, 2]
    assert document.title == REPORT[0] and document.date == datetime.date(2026, 12, 5)
    records = zh_metrics.extract_document(document, nlp)
    assert figures(records) == EXPECTED
    assert [(r.paragraph, r.page) for r in records] == [(f[0], 1 if f[0] < 6 else 2) for f in FIGURES]


def test_a_docx_gives_its_body_title_and_date_not_its_footer(nlp):
    """report.docx has a footer with a figure of its own (共印50份, known to the test pipeline)."""
    document = read_document(FIXTURES / "report.docx")
    assert [p.text for p in document.paragraphs] == REPORT
    assert document.title == REPORT[0] and document.date == datetime.date(2025, 4, 8)
    records = zh_metrics.extract_document(document, nlp)
    assert figures(records) == EXPECTED


def test_docx_tables_are_read_row_by_row(nlp, tmp_path):
    import docx

    made = docx.Document()
    made.add_paragraph("松川市公安局“清源”行动成果统计")
    table = made.add_table(rows=2, cols=3)
    for cell, text in zip(
        table.rows[0].cells + table.rows[1].cells, ["项目", "数量", "同比", "破获案件", "318起", "上升27.4%"]
    ):
        cell.text = text
    made.save(str(tmp_path / "table.docx"))
    document = read_document(tmp_path / "table.docx")
    assert [p.text for p in document.paragraphs] == [
        "松川市公安局“清源”行动成果统计",
        "项目\t数量\t同比",
        "破获案件\t318起\t上升27.4%",
    ]
    (record,) = zh_metrics.extract_document(document, nlp)
    assert (record.metric.value, record.metric.change.value, record.paragraph) == (318, 0.274, 3)


def test_cleaning_maps_compatibility_forms_and_keeps_chinese_punctuation():
    assert clean_text("\ufeff同⽐上升２７．４％，⼈⺠⻔⼾（含）：完") == "同比上升27.4%，人民门户（含）：完"
    assert clean_text("破 获\u3000案件 318起\r\n“清源” 行动\u200b") == "破获案件 318起\n“清源”行动"
    assert clean_text("Hello  world 2025年") == "Hello  world 2025年"


def test_paragraphs_keep_blank_lines_and_short_lines_and_join_latin_words_with_a_space():
    text = (
        "短标题\n\n"
        + "甲" * 20
        + "\n"
        + "乙" * 20
        + "。\n"
        + "丙" * 20
        + "\nthe Ministry of Public Security and its\nbureaus。\n"
    )
    found = paragraphs([(None, text)], first_line=1)
    assert [p.text for p in found] == [
        "短标题",
        "甲" * 20 + "乙" * 20 + "。",
        "丙" * 20 + "the Ministry of Public Security and its bureaus。",
    ]
    assert [p.number for p in found] == [1, 2, 3] and [p.line for p in found] == [1, 3, 5]


def test_a_paragraph_runs_on_across_pdf_pages():
    pages = [(1, "破获案件318起" + "甲" * 20 + "\n" + "乙" * 26), (2, "丙丙。\n新段落。")]
    found = paragraphs(pages)
    assert [(p.text, p.page, p.line) for p in found] == [
        ("破获案件318起" + "甲" * 20 + "乙" * 26 + "丙丙。", 1, None),
        ("新段落。", 2, None),
    ]


def test_page_number_lines_are_recognised():
    for line in ("- 3 -", "—12—", "第3页", "第3页 共8页", "3/8", "12"):
        assert PAGE_NUMBER_LINE.match(line), line
    for line in ("318起", "第3页内容", "2025年", "12.3%"):
        assert not PAGE_NUMBER_LINE.match(line), line


def test_short_texts_are_not_taken_for_the_wrong_encoding():
    # four characters of GBK also decode as Big5 (ぢ鳳偶璃); Big5 as GB18030 (瘆莉ン)
    assert decode("破获案件202起".encode("gbk")) == "破获案件202起"
    assert decode("破獲案件202起".encode("big5")) == "破獲案件202起"
    assert decode("破获案件202起".encode("utf-16")) == "破获案件202起"
    assert decode("破获案件".encode("gbk"), "gbk") == "破获案件"


def test_a_bom_does_not_end_up_in_the_first_indicator(nlp, tmp_path):
    (tmp_path / "bom.txt").write_bytes("破获电信网络诈骗案件318起，同比上升27.4%。".encode("utf-8-sig"))
    (record,) = zh_metrics.extract_file(tmp_path / "bom.txt", nlp)
    assert record.metric.indicator == "破获电信网络诈骗案件" and record.metric.start == 10


def test_extract_documents_keeps_each_documents_scope(nlp):
    first = read_documents([FIXTURES / "report.txt"])[0][0]
    second = zh_metrics.Document("other", "txt", [zh_metrics.Paragraph(1, "破获案件318起。")])
    records = list(zh_metrics.extract_documents([first, second, first], nlp, batch_size=3))
    assert [r.document for r in records] == [first.name] * 8 + ["other"] + [first.name] * 8
    assert records[8].metric.organisation is None and records[9].metric.organisation == ORG


def test_a_file_that_cannot_be_read_raises_one_error_naming_it(nlp, tmp_path):
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError, match=r"image\.txt: binary data, not text \(a PNG image\)"):
        zh_metrics.extract_file(tmp_path / "image.txt", nlp)
    with pytest.raises(DocumentError, match="one document a line"):
        read_document(tmp_path / "tasks.jsonl")


def bad_files(folder: Path) -> dict[str, str]:
    """Broken, encrypted, scanned and disguised files, each with the line that must name it."""
    import pypdf
    from PIL import Image, ImageDraw

    pdf = (FIXTURES / "report.pdf").read_bytes()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(folder / "encrypted.pdf")
    page = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(page).text((20, 20), "318", fill="black")
    page.save(folder / "scanned.pdf")
    page.save(folder / "scan.txt", format="PNG")
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (folder / "truncated.docx").write_bytes((FIXTURES / "report.docx").read_bytes()[:5000])
    (folder / "pdf.txt").write_bytes(pdf)
    (folder / "latin1.txt").write_bytes("Café crème, déjà vu ±".encode("latin-1"))
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    return {
        "encrypted.pdf": "encrypted PDF: a password is needed to read it",
        "scanned.pdf": "PDF without a text layer (scanned pages?): run OCR on it first",
        "scan.txt": "binary data, not text (a PNG image)",
        "truncated.pdf": "not a readable PDF",
        "truncated.docx": "not a readable DOCX file",
        "pdf.txt": "binary data, not text (a PDF file)",
        "latin1.txt": "not text in UTF-8, GB18030/GBK or Big5: give its encoding with --encoding",
        "gone.txt": "No such file or directory",
    }


def test_cli_bad_files_stop_the_run_or_are_skipped_with_keep_going(ruler_pipeline, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    expected = bad_files(folder)
    (folder / "report.pdf").write_bytes((FIXTURES / "report.pdf").read_bytes())
    named = [str(folder / name) for name in sorted(expected)] + [str(folder / "report.pdf")]
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n", encoding="utf8")
    result = invoke("extract", *named, "-m", str(ruler_pipeline), "-o", str(out))
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and out.read_text(encoding="utf8") == "earlier\n"
    for name, what in expected.items():
        assert any(line.startswith(f"{folder / name}:") and what in line for line in lines), (name, lines)
    assert len(lines) == len(expected) + 1 and lines[-1] == f"{len(expected)} problem(s) in the input: nothing written"
    result = invoke("extract", str(folder), "-m", str(ruler_pipeline), "-o", str(out), "--keep-going")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last == f"{len(expected) - 1} problem(s) in the input: their files skipped, 1 document(s) read"
    rows = [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()]
    assert [(r["document"], r["paragraph"], r["page"], r["text"]) for r in rows] == [
        (str(folder / "report.pdf"), f[0], 1 if f[0] < 6 else 2, f[2]) for f in FIGURES
    ]
    assert rows[0]["date"] == "2026-12-05" and rows[0]["change"]["value"] == 0.274


def test_cli_walks_folders_for_every_format_and_glob_selects(ruler_pipeline, tmp_path):
    folder = tmp_path / "reports"
    (folder / "2025").mkdir(parents=True)
    for name in ("report.html", "report.docx", "report_gbk.txt"):
        (folder / "2025" / name).write_bytes((FIXTURES / name).read_bytes())
    (folder / "~$report.docx").write_bytes(b"lock file of Word")
    (folder / ".hidden.txt").write_bytes(b"\x00binary")
    (folder / "notes.md").write_text("not a report format", encoding="utf8")
    result = invoke("extract", str(folder), "-m", str(ruler_pipeline), "-f", "csv", "--date", "2025-01-31")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("document,paragraph,page,date,indicator,")
    documents = [line.split(",")[0] for line in lines[1:]]
    assert sorted(set(documents)) == [
        str(folder / "2025" / n) for n in ("report.docx", "report.html", "report_gbk.txt")
    ]
    assert len(lines) == 1 + 3 * len(FIGURES) and all(",2025-01-31," in line for line in lines[1:])
    result = invoke("extract", str(folder), "-m", str(ruler_pipeline), "--glob", "*.html")
    assert {json.loads(line)["document"] for line in result.stdout.splitlines()} == {
        str(folder / "2025" / "report.html")
    }
    result = invoke("extract", str(folder), "-m", str(ruler_pipeline), "--glob", "*.pdf")
    assert result.exit_code == 1 and result.stderr.startswith(f"{folder}: no *.pdf files in this folder")
    result = invoke("extract", str(folder), "-m", str(ruler_pipeline), "--glob", "/*.txt")
    assert result.exit_code == 1 and result.stderr.startswith(f"{folder}: --glob /*.txt: Non-relative")


def test_cli_encoding_and_date_options(ruler_pipeline):
    gbk = (FIXTURES / "report_gbk.txt").read_bytes()
    result = invoke("extract", "-", "-m", str(ruler_pipeline), "--encoding", "gbk", "--date", "2025-04-08", input=gbk)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["document"], r["date"], r["text"]) for r in rows] == [("<stdin>", "2025-04-08", f[2]) for f in FIGURES]
    result = invoke("extract", "-", "-m", str(ruler_pipeline), "--encoding", "ascii", input=gbk)
    assert result.exit_code == 1 and result.stderr.startswith("<stdin>:1: not ascii text")
    result = invoke("extract", "-", "-m", str(ruler_pipeline), "--encoding", "klingon", input=gbk)
    assert result.exit_code == 2 and "'klingon' is not an encoding Python knows" in result.stderr
    result = invoke("extract", "-", "-m", str(ruler_pipeline), "--format", "xml", input=gbk)
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_jsonl_gives_a_document_a_line_and_names_bad_lines(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    lines = [{"text": "破获案件318起。\n\n抓获452人。"}, "not json", {"text": "only English"}, {"text": 3}]
    tasks.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n", encoding="utf8")
    documents, problems = read_documents([tasks])
    assert [(d.name, d.format, [(p.number, p.line, p.text) for p in d.paragraphs]) for d in documents] == [
        (f"{tasks}:1", "jsonl", [(1, 1, "破获案件318起。"), (2, 1, "抓获452人。")])
    ]
    assert problems == [
        f"{tasks}:2: text: not a JSON object with a string `text`",
        f"{tasks}:3: text: no Chinese characters; this pipeline reads Chinese reports",
        f"{tasks}:4: text: not a JSON object with a string `text`",
    ]
