"""The evaluation report: its numbers on a small case computed by hand, the page it makes, the
README section it writes, and the page's width in a real browser."""

import re
from pathlib import Path

import pytest
import spacy
from spacy.training import Example
from typer.testing import CliRunner

from conftest import find_chromium, headless
from zh_metrics.cli import app
from zh_metrics.corpus.tasks import make_span, make_task
from zh_metrics.files import write_jsonl_atomic
from zh_metrics.measure.report import (
    REAL,
    TEAM_DEV,
    GoldSet,
    ReportError,
    SetResult,
    domain_table,
    evaluate_set,
    markdown_to_html,
    render,
    summary_markdown,
    write_readme_summary,
)
from zh_metrics.measure.scoring import reference_doc, score_paragraph

META = {"model": "m", "command": "python -m zh_metrics report m", "date": "2026-12-01", "machine": "test"}


def task(text, spans, links=(), domain=None):
    """A task from (span text, label, value, unit) tuples and (head text, rate text) links."""
    at = {s: (text.index(s), text.index(s) + len(s)) for s, *_ in spans}
    made = [make_span(*at[s], label, **({"value": v, "unit": u} if v is not None else {})) for s, label, v, u in spans]
    return make_task(text, made, [(at[h], at[c]) for h, c in links], meta={"domain": domain} if domain else None)


P1, P2, P3 = (
    "松川市人民法院审结案件1,204件,同比上升21.5%。",
    "青禾县人民法院受理案件300件。",
    "青禾海关查获走私香烟80万支。",
)
GOLD = [
    task(
        P1,
        [("松川市人民法院", "ORG", None, None), ("1,204件", "COUNT", 1204, "件"), ("21.5%", "RATE", 0.215, "ratio")],
        [("1,204件", "21.5%")],
        "court",
    ),
    task(P2, [("青禾县人民法院", "ORG", None, None), ("300件", "COUNT", 300, "件")], domain="court"),
    task(P3, [("青禾海关", "ORG", None, None), ("80万支", "COUNT", 800000, "支")], domain="customs"),
]
# P1 all right; P2 the court missed and the count's value wrong; P3 the count cut short
MODEL = [
    GOLD[0],
    task(P2, [("300件", "COUNT", 301, "件")]),
    task(P3, [("青禾海关", "ORG", None, None), ("80万", "COUNT", 800000, "支")]),
]
NOTHING = [task(t, []) for t in (P1, P2, P3)]


def scored(gold, predicted):
    vocab = spacy.blank("zh").vocab
    return [score_paragraph(Example(reference_doc(vocab, p), reference_doc(vocab, g))) for g, p in zip(gold, predicted)]


def result(name, predicted, baseline=NOTHING, rows=None):
    model = scored(GOLD, predicted)
    for paragraph, counts in zip(model, rows or []):
        paragraph.rows.update(counts)
    note = None if rows else "no record gold is given for this set"
    return SetResult(GoldSet(name, Path(f"{name}/dev.jsonl")), model, model, scored(GOLD, baseline), None, 1000, note)


ROWS = [
    {"indicator": (1, 1), "period": (1, 1)},
    {"indicator": (0, 1), "period": (1, 1)},
    {"indicator": (1, 1), "period": (0, 1)},
]


def test_summary_by_hand():
    """Figures: 4 gold, 3 right, 1 spurious (80万) → F 6/8. Values: 2 of the 3 figures found
    right with a gold value. Names: 2 of 3 → F 4/5. The intervals: a resample may hold P3
    alone (p = 1/27 > 2.5%: F 0) or no P3 (F 1); links only exist in P1 (F 1 in every resample
    that holds it). The baseline finds nothing."""
    md = summary_markdown([result(TEAM_DEV, GOLD), result(REAL, MODEL)], META)
    assert "| figures found right (F) | 0.750 | 0.000–1.000 | 0.000 | 0.000–0.000 | 4 gold figures |" in md
    assert (
        "| values right (of the figures found right) | 0.667 | 0.000–1.000 | – | – | 3 gold values on found figures |"
        in md
    )
    assert "| links right (HAS_CHANGE F) | 1.000 | 1.000–1.000 | 0.000 | 0.000–0.000 | 1 gold links |" in md
    assert "| names found right (F) | 0.800 | 0.000–1.000 | 0.000 | 0.000–0.000 | 3 gold names |" in md
    assert "rows with the right" not in md and "Rows (indicator, period) are not in this table: no record gold" in md
    # the per-label gap: the team dev split is perfect here
    assert "| ORG | 1.000 | 0.800 | -0.200 |" in md and "| COUNT | 1.000 | 0.667 | -0.333 |" in md
    assert "Weakest labels on the real reports (F): COUNT 0.667, ORG 0.800." in md


def test_summary_with_rows():
    md = summary_markdown([result(REAL, MODEL, rows=ROWS)], META)
    assert "| rows with the right indicator | 0.667 | 0.000–1.000 | – | – | 3 gold rows |" in md
    assert "| rows with the right period | 0.667 |" in md and "not in this table" not in md
    assert "gap" not in md  # one set: nothing to compare


def test_domain_table_by_hand():
    table, names, columns, grid = domain_table(result(REAL, MODEL, rows=ROWS))
    assert names == ["court", "customs", "all"]
    assert columns == ["ORG", "CAMPAIGN", "MONEY", "COUNT", "PERCENT", "RATE", "HAS_CHANGE", "indicator", "period"]
    # court: ORG 1 of 2 found (F 2/3) over 2 paragraphs; both counts right; one rate, one link
    assert "| court | 2 | 0.67 (2) | – | – | 1.00 (2) | – | 1.00 (1) | 1.00 (1) | 0.50 (2) | 1.00 (2) |" in table
    assert "| customs | 1 | 1.00 (1) | – | – | 0.00 (1) | – | – | – | 1.00 (1) | 0.00 (1) |" in table
    assert grid[1][3] == 0 and grid[1][1] is None


def test_page_is_self_contained_and_shows_the_errors(tmp_path):
    render([result(TEAM_DEV, GOLD), result(REAL, MODEL)], None, tmp_path, META)
    md = (tmp_path / "report.md").read_text(encoding="utf8")
    page = (tmp_path / "report.html").read_text(encoding="utf8")
    assert md.count("real reports/dev.jsonl") == 1 and md.count("team dev split/dev.jsonl") == 1  # named once
    assert md.index("## How far to trust it") < md.index("## Entities per label")
    assert "**" not in page and "`" not in page and "<li>" in page and "<table>" in page
    images = re.findall(r'<img src="([^"]*)"', page)
    assert len(images) == 3 and all(
        src.startswith("data:image/png;base64,") for src in images
    )  # heat map, 2 confusions
    # the missed court, in its sentence, highlighted in the ORG colour above the model's bare line
    missed = page[page.index("gold ORG “青禾县人民法院”, nothing found") :]
    assert re.search(r'<mark class="entity" style="background: #7aecec[^>]*>\s*青禾县人民法院', missed)
    assert "ORG, missed</h4>" in page and "COUNT, boundary</h4>" in page


def test_markdown_library_renders_what_the_old_converter_left_raw(tmp_path):
    page = markdown_to_html(
        "# T\n\n**bold** and `code`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | <2> |\n", tmp_path
    )
    assert "<strong>bold</strong>" in page and "<code>code</code>" in page
    assert "<ul>\n<li>one</li>" in page and "<td>" in page


def test_readme_section_is_replaced_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# P\n\n## How far to trust it\n\n<!-- report:summary -->\nold\n<!-- /report:summary -->\n\n## Next\n"
    )
    write_readme_summary(readme, "| a |\n|---|\n| 1 |\n")
    write_readme_summary(readme, "| a |\n|---|\n| 2 |\n")
    assert readme.read_text() == (
        "# P\n\n## How far to trust it\n\n<!-- report:summary -->\n| a |\n|---|\n| 2 |\n<!-- /report:summary -->\n\n## Next\n"
    )
    readme.write_text("# P\nno markers\n")
    with pytest.raises(ReportError, match=r"README.md: no <!-- report:summary --> … <!-- /report:summary --> markers"):
        write_readme_summary(readme, "x")
    assert readme.read_text() == "# P\nno markers\n"


# ---------------------------------------------------------------------------
# The command, on a real (rule-based) pipeline, and the page in a browser

DEV = [
    task(
        "松川市公安局破获案件202起,环比上升132.18%。",
        [("202起", "COUNT", None, None), ("132.18%", "RATE", None, None)],
        [("202起", "132.18%")],
    ),
    task("市公安局冻结资金3.2亿元。", [("市公安局", "ORG", None, None), ("3.2亿元", "MONEY", None, None)]),
]
REAL_REPORTS = [
    task(
        "青禾县人民法院今年审结案件202起,同比上升43.09%,结案率60.72%。",
        [
            ("青禾县人民法院", "ORG", None, None),
            ("202起", "COUNT", 202, "起"),
            ("43.09%", "RATE", 0.4309, "ratio"),
            ("60.72%", "PERCENT", 0.6072, "ratio"),
        ],
        [("202起", "43.09%")],
        "court",
    ),
    task(
        "太行日报讯 松川海关查获走私冻品176人。",
        [("太行日报", "ORG", None, None), ("松川海关", "ORG", None, None)],
        domain="customs",
    ),
]
README = "# zh\n\n## How far to trust it\n\n<!-- report:summary -->\n<!-- /report:summary -->\n"


@pytest.fixture(scope="module")
def made_report(tmp_path_factory, ruler_pipeline):
    folder = tmp_path_factory.mktemp("report")
    write_jsonl_atomic(folder / "dev.jsonl", DEV)
    write_jsonl_atomic(folder / "real.jsonl", REAL_REPORTS)
    (folder / "README.md").write_text(README, encoding="utf8")
    args = ["report", str(folder / "dev.jsonl"), "-m", str(ruler_pipeline), "--also", str(folder / "real.jsonl")]
    args += ["--records", str(folder / "absent.jsonl"), "--curve", str(folder / "absent.json")]
    outcome = CliRunner().invoke(
        app, [*args, "--output-dir", str(folder / "out"), "--readme", str(folder / "README.md")]
    )
    assert outcome.exit_code == 0, outcome.output
    return folder


def test_command_writes_report_and_readme(made_report):
    readme = (made_report / "README.md").read_text(encoding="utf8")
    assert readme.startswith("# zh\n\n## How far to trust it\n\n<!-- report:summary -->\nGenerated by `")
    assert "| on the real reports | model | 95% interval | rule baseline | 95% interval | counted |" in readme
    assert f"- **real reports**: `{made_report / 'real.jsonl'}`, 2 paragraphs" in readme
    assert "there is no record gold here" in readme and readme.endswith("<!-- /report:summary -->\n")
    # the ruler finds the three figures and a count nobody annotated (176人); of the names only 太行日报
    assert "| figures found right (F) | 0.857 |" in readme and "| names found right (F) | 0.500 |" in readme
    # the ruler knows neither the court nor the customs: both missed; 太行日报 found
    page = (made_report / "out" / "report.html").read_text(encoding="utf8")
    assert "gold ORG “青禾县人民法院”, nothing found" in page and "gold ORG “松川海关”, nothing found" in page


def test_command_bad_gold_line_is_one_line_and_keeps_the_readme(made_report, ruler_pipeline):
    broken = made_report / "broken.jsonl"
    broken.write_text('{"text": "破获案件202起。", "spans": []}\n{"text": \n', encoding="utf8")
    before = (made_report / "README.md").read_text(encoding="utf8")
    args = ["report", str(broken), "-m", str(ruler_pipeline), "--output-dir", str(made_report / "out2")]
    outcome = CliRunner().invoke(app, [*args, "--readme", str(made_report / "README.md")])
    assert outcome.exit_code == 1
    assert outcome.stderr.strip().splitlines() == [f"{broken}:2: json: invalid JSON (Unexpected end of content)"] or (
        len(outcome.stderr.strip().splitlines()) == 1 and outcome.stderr.startswith(f"{broken}:2: json:")
    )
    assert (made_report / "README.md").read_text(encoding="utf8") == before
    assert not (made_report / "out2" / "report.html").exists()


# every collapsed block opened first, so that the errors of every set are measured too
MEASURE_SCRIPT = (
    "<script>window.addEventListener('load',function(){"
    "document.querySelectorAll('details').forEach(function(d){d.open=true});"
    "var d=document.documentElement;"
    "document.body.setAttribute('data-widths',d.scrollWidth+' '+d.clientWidth)})</script>"
)


def page_widths(browser: str, page: Path) -> tuple[int, int]:
    """scrollWidth and clientWidth of the page's root at a 1280-pixel window, measured by the
    browser once the page (images included) has loaded."""
    measured = page.with_name(page.stem + "-measured.html")
    measured.write_text(page.read_text(encoding="utf8").replace("</body>", MEASURE_SCRIPT + "</body>"), encoding="utf8")
    dom = headless(browser, "--dump-dom", measured.as_uri()).stdout
    scroll, client = re.search(r'data-widths="(\d+) (\d+)"', dom).groups()
    return int(scroll), int(client)


def test_page_fits_1280_pixels_in_chromium(made_report, chromium):
    browser = chromium
    page = made_report / "out" / "report.html"
    scroll, client = page_widths(browser, page)
    assert client == 1280 and scroll <= client, (scroll, client)
    shot = made_report / "out" / "screenshot.png"
    headless(browser, f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_width_check_catches_the_old_wide_table(tmp_path, chromium):
    """The old layout: one table with a column per set and measure, headed by file paths."""
    browser = chromium
    header = ["label"] + [f"../shared/data/dev.jsonl {m}" for m in ("P", "R", "F", "F-overlap")] * 3
    table = (
        "| " + " | ".join(header) + " |\n|" + "---|" * len(header) + "\n| ORG" + " | 0.841" * (len(header) - 1) + " |\n"
    )
    page = tmp_path / "wide.html"
    page.write_text(markdown_to_html(table, tmp_path), encoding="utf8")
    scroll, client = page_widths(browser, page)
    assert scroll > client == 1280


def test_missing_browser_fails_on_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no chromium here"):
        find_chromium()
    monkeypatch.delenv("CI")
    monkeypatch.delenv("CHROMIUM", raising=False)
    with pytest.raises(pytest.skip.Exception):
        find_chromium()


def test_rows_scored_through_the_records_scorer(tmp_path, ruler_pipeline):
    """With the records scorer of issue 19 installed, the real reports get rows: counts per
    paragraph from the record gold (joined to the texts line by line)."""
    pytest.importorskip("zh_metrics.measure.records")
    text = "今年以来,全市破获案件202起,环比上升132.18%。"
    write_jsonl_atomic(tmp_path / "real.jsonl", [task(text, [("202起", "COUNT", 202, "起")], domain="court")])
    record = {
        "start": 11,
        "end": 15,
        "label": "COUNT",
        "figure": "202起",
        "indicator": "破获案件",
        "period": "今年以来",
    }
    write_jsonl_atomic(tmp_path / "records.jsonl", [{"text": text, "records": [record]}])
    gold = GoldSet(REAL, tmp_path / "real.jsonl", tmp_path / "records.jsonl")
    scored_set = evaluate_set(spacy.load(ruler_pipeline), gold)
    assert scored_set.rows_note is None
    assert scored_set.model[0].rows == {"indicator": (1, 1), "period": (1, 1)}
