"""The benchmarks' summary must keep reading what the benchmarks print:
bench/all.py's parser on samples of each benchmark's output, and the
profile that bench/conversations.py prints, on one small page."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent


def load(name: str):
    """bench/<name>.py as a module (bench/ is no package: its scripts run as files)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench_all = load("all")

CONVERSATIONS = """
page                          req/s   ms/req   ratio  queries  goal (ratio >= 0.1, queries <= 8)
trivial view, anonymous        2529     0.40   1.000        0
thread list                      52    19.19   0.030       10  NOT met
BENCH {"bench": "conversations", "kind": "page", "name": "trivial view, anonymous", "rps": 2528.9, "ms": 0.4, "ratio": 1.0, "queries": 0, "goal": null}
BENCH {"bench": "conversations", "kind": "page", "name": "thread list", "rps": 52.1, "ms": 19.19, "ratio": 0.0298, "queries": 10, "goal": false}
BENCH {"bench": "conversations", "kind": "page", "name": "Home", "rps": 300.0, "ms": 3.33, "ratio": 0.1186, "queries": 6, "goal": true}
BENCH {"bench": "conversations", "kind": "page", "name": "meeting page", "rps": null, "ms": null, "ratio": null, "queries": null, "goal": null}
BENCH {"bench": "conversations", "kind": "search", "name": "posts: one rarer word", "p50": 1.84, "p95": 5.78, "cpu_p50": 1.77, "cpu_p95": 2.13, "matches": 2.0}
BENCH {"bench": "conversations", "kind": "search", "name": "every group: two common words", "p50": 60.16, "p95": 65.21, "cpu_p50": 38.33, "cpu_p95": 39.62, "matches": 247.5}
BENCH {"bench": "conversations", "kind": "write", "name": "post creation, HTTP", "rps": 63.7, "ms": 15.69, "ratio": 0.0372}
"""

LOAD = """
clients 10: 271 req/s
LOAD clients=10 rps=271.3 p50=31.0 p95=80.2 p99=120.9 2xx=8000 3xx=400 4xx=0 5xx=0 errors=0
LOAD clients=200 rps=250.0 p50=700.5 p95=1500.0 p99=2100.0 2xx=8000 3xx=400 4xx=0 5xx=3 errors=0
"""

MAIL = """
fan-out of one post                   5000 msgs     6.6 s      759 msg/s   fixed    806 msg/s   ratio 0.94
BENCH {"bench": "mail", "kind": "mail", "name": "daily digest run", "messages": 50000, "seconds": 46.9, "rate": 1065.0, "ratio": 1.22, "goal": true}
"""

ARCHIVES = """
BENCH {"bench": "archives", "kind": "throughput", "name": "import", "messages": 10000, "seconds": 8.1, "rate": 1234.6}
"""


def rows_of(bench: str, output: str) -> dict[str, tuple[str, ...]]:
    figures = bench_all.parse_figures(bench, output)
    return {row[1]: row for row in map(bench_all.summary_row, figures)}


def test_pages_keep_their_ratio_queries_and_goal():
    rows = rows_of("conversations", CONVERSATIONS)
    assert rows["thread list"] == (
        "conversations",
        "thread list",
        "0.030",
        "10",
        "19.2",
        "",
        "",
        "52",
        "NOT met",
    )
    assert rows["Home"][-1] == "met"
    assert rows["trivial view, anonymous"][-1] == ""
    assert rows["meeting page (no data)"][2:] == ("",) * 7


def test_search_rows_are_held_to_the_search_goal():
    rows = rows_of("conversations", CONVERSATIONS)
    assert rows["search posts: one rarer word"][4:6] == ("1.8", "5.8")
    assert rows["search posts: one rarer word"][-1] == "met"
    assert rows["search every group: two common words"][-1] == "NOT met"
    assert rows["post creation, HTTP"][2] == "0.037"


def test_load_lines_are_read_as_key_values():
    rows = rows_of("load", LOAD)
    assert rows["10 clients"][4:] == ("31.0", "80.2", "120.9", "271", "met")
    assert rows["200 clients"][-1] == "NOT met"  # three 5xx answers


def test_mail_and_archives_rows_name_their_size():
    (mail,) = rows_of("mail", MAIL).values()
    assert mail[1] == "daily digest run (50,000 msgs, 46.9 s)"
    assert mail[2] == "1.220"
    assert mail[-1] == "met"
    (archives,) = rows_of("archives", ARCHIVES).values()
    assert archives[1] == "import (10,000 msgs, 8.1 s)"
    assert archives[7] == "1,235"


def test_the_table_has_one_line_a_row_under_its_heading():
    rows = [bench_all.summary_row(f) for f in bench_all.parse_figures("load", LOAD)]
    table = bench_all.format_table(rows).splitlines()
    assert table[0].split()[:2] == ["benchmark", "figure"]
    assert set(table[1]) <= {"-", " "}
    assert len(table) == 2 + len(rows)


def test_lines_for_people_are_not_figures():
    assert bench_all.parse_figures("run", "trivial view  2439  0.41  1.000  0\n") == []


def test_a_missing_script_is_skipped_and_said(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_all, "ROOT", tmp_path)
    assert bench_all.main(["--only", "load"]) == 0
    out = capsys.readouterr().out
    assert "bench/load.py does not exist here; skipped" in out
    assert "load average at the end" in out


@pytest.mark.django_db
def test_the_profile_leaves_out_the_frames_around_every_request(client):
    conversations = load("conversations")
    client.get("/communities/")  # the URLs imported, as after the benchmark's timing
    text = conversations.profile(client, "/communities/", requests=2)
    lines = text.splitlines()
    assert "ms a request under the profiler" in lines[0]
    assert 2 < len(lines) <= 12
    assert not any("django/test/client.py" in line for line in lines), text
    assert not any("get_response (django/core/handlers/base.py" in line for line in lines), text
