"""The page in a real browser: Debian's headless Chromium, driven through the DevTools protocol,
against the service on a free port of 127.0.0.1. It types a report, submits it, checks the
highlighted spans and the table against `POST /extract`, selects a row and hovers a link, and
downloads the CSV. It writes a screenshot (`ZH_METRICS_SCREENSHOT=docs/serve.png` keeps one).

Chromium comes from `scripts/install-test-deps.sh`. Without it the test is skipped on a
developer's machine and fails under CI (CI=true)."""

import base64
import csv
import io
import itertools
import json
import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest
import websocket

import zh_metrics
from test_serve import ENTITIES, RECORDS, REPORT, expected_csv_row
from zh_metrics.serve import create_app
from zh_metrics.serve.server import in_background

WAIT = 30.0


class Browser:
    """One page of a headless Chromium, driven through the DevTools protocol."""

    def __init__(self, executable: str, folder: Path) -> None:
        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1280,1500",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={folder / 'profile'}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        port = self._devtools_port(folder / "profile" / "DevToolsActivePort")
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=WAIT).read())
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=WAIT)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def _devtools_port(self, path: Path) -> int:
        deadline = time.monotonic() + WAIT
        while not (path.exists() and path.read_text().strip()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start: {self.process.stderr.read()[-2000:]}")
            time.sleep(0.05)
        return int(path.read_text().split()[0])

    def send(self, method: str, **params) -> dict:
        call = next(self.ids)
        self.socket.send(json.dumps({"id": call, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == call:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str):
        deadline = time.monotonic() + WAIT
        while not (value := self.js(expression)):
            assert time.monotonic() < deadline, f"still false after {WAIT} s: {expression}"
            time.sleep(0.05)
        return value

    def centre(self, selector: str) -> tuple[float, float]:
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView({{block: 'center'}});"
            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        return box[0], box[1]

    def click(self, selector: str) -> None:
        x, y = self.centre(selector)
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def hover(self, selector: str) -> None:
        x, y = self.centre(selector)
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)

    def style(self, selector: str, prop: str) -> str:
        return self.js(f"getComputedStyle(document.querySelector({json.dumps(selector)}))[{json.dumps(prop)}]")

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=WAIT)


@pytest.fixture
def browser(chromium, tmp_path):
    browser = Browser(chromium, tmp_path)
    yield browser
    browser.close()


def test_a_report_submitted_on_the_page(browser, ruler_pipeline, tmp_path):
    nlp = zh_metrics.load(ruler_pipeline)
    with in_background(create_app(nlp)) as url:
        request = urllib.request.Request(
            url + "/extract", json.dumps({"text": REPORT}).encode(), {"Content-Type": "application/json"}
        )
        extracted = json.loads(urllib.request.urlopen(request, timeout=WAIT).read())
        assert len(extracted["records"]) == len(RECORDS)

        browser.send("Page.enable")
        browser.send("Page.navigate", url=url + "/")
        browser.wait_for("document.readyState === 'complete' && !!document.querySelector('textarea')")
        browser.click("textarea")
        browser.send("Input.insertText", text=REPORT)
        assert browser.js("document.querySelector('textarea').value") == REPORT
        browser.click("button[type=submit]")
        browser.wait_for("document.readyState === 'complete' && !!document.querySelector('.zhm-result')")

        # every entity highlighted with its label's colour, in order, and one row per record
        shown = browser.js(
            "[...document.querySelectorAll('mark.zhm-ent')].map(m => { const c = m.cloneNode(true);"
            " c.querySelectorAll('.zhm-label, .zhm-link').forEach(e => e.remove());"
            " return [m.dataset.label, c.textContent]; })"
        )
        assert [tuple(pair) for pair in shown] == ENTITIES
        assert browser.style("mark.zhm-COUNT", "backgroundColor") == "rgb(191, 225, 217)"
        assert browser.style("mark.zhm-ORG", "backgroundColor") == "rgb(122, 236, 236)"
        rows = browser.js(
            "[...document.querySelectorAll('tr.zhm-record')].map(r => [...r.cells].map(c => c.textContent))"
        )
        assert len(rows) == len(RECORDS)
        assert [row[1:3] for row in rows] == [[r[0], r[1]] for r in RECORDS]  # indicator, figure

        # a HAS_CHANGE link: hovering the figure outlines its rate
        assert browser.style("mark.zk1.zhm-RATE", "outlineStyle") == "none"
        browser.hover("mark.zk1.zhm-COUNT")
        assert browser.style("mark.zk1.zhm-RATE", "outlineStyle") == "solid"

        # selecting the first row marks its indicator, organisation and campaign in the text
        assert browser.style(".r1i", "backgroundColor") == "rgba(0, 0, 0, 0)"
        browser.click("tr.zhm-record:nth-child(1) td:nth-child(2) label")
        assert browser.js("document.querySelector('#zp1').checked")
        assert browser.style(".r1i", "backgroundColor") == "rgb(183, 240, 207)"
        marked = browser.js(
            "['.r1i', '.r1o', '.r1c', '.r1f', '.r1x'].map(s => [...document.querySelectorAll(s)]"
            ".map(e => e.textContent).join(''))"
        )
        assert marked == ["破获电信网络诈骗案件", "市公安局", "夏季治安打击整治行动", "1,204起", "21.5%"]
        assert browser.style(".r2i", "backgroundColor") == "rgba(0, 0, 0, 0)"

        screenshot = tmp_path / "serve.png"
        browser.js("window.scrollTo(0, 0)")
        shot = browser.send("Page.captureScreenshot", format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
        if os.environ.get("ZH_METRICS_SCREENSHOT"):
            shutil.copy(screenshot, os.environ["ZH_METRICS_SCREENSHOT"])

        # the CSV download holds exactly the records /extract gives
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        browser.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        browser.click("a.zhm-csv")
        deadline = time.monotonic() + WAIT
        while not (files := [p for p in downloads.iterdir() if not p.name.endswith(".crdownload")]):
            assert time.monotonic() < deadline, "no download"
            time.sleep(0.05)
        assert [p.name for p in files] == ["records.csv"]
        rows = list(csv.DictReader(io.StringIO(files[0].read_text(encoding="utf8"))))
        assert rows == [expected_csv_row(r) for r in extracted["records"]]
        assert re.fullmatch(r"\d+", rows[0]["start"]) and rows[0]["change_basis"] == "同比"

        # a file chosen with the file picker gives the same rows, under the file's name
        report = tmp_path / "青禾县通报.txt"
        report.write_text(REPORT, encoding="utf8")
        browser.js("document.querySelector('textarea').value = ''; window.before_upload = true")
        picker = browser.send(
            "DOM.querySelector", nodeId=browser.send("DOM.getDocument")["root"]["nodeId"], selector="input[type=file]"
        )
        browser.send("DOM.setFileInputFiles", files=[str(report)], nodeId=picker["nodeId"])
        browser.click("button[type=submit]")
        browser.wait_for(
            "!window.before_upload && document.readyState === 'complete' && !!document.querySelector('.zhm-result')"
        )
        rows = browser.js("[...document.querySelectorAll('tr.zhm-record')].map(r => r.cells[2].textContent)")
        assert rows == [r[1] for r in RECORDS]
        csv_href = unquote(browser.js("document.querySelector('.zhm-csv').href"))
        assert [row["document"] for row in csv.DictReader(io.StringIO(csv_href.split(",", 1)[1]))] == [
            "青禾县通报.txt"
        ] * len(RECORDS)
