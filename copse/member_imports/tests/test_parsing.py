"""Reading uploaded lists: what spreadsheets really write (byte-order marks,
UTF-16, semicolons, CRLF, quoted commas), what must be refused whole, and
each row's problems. Hypothesis draws lists written by Python's own csv
writer and arbitrary bytes."""

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from copse.member_imports import parsing
from copse.member_imports.parsing import FORMULA_STARTS, ImportFileError, ImportTooLarge, parse


def written(rows, *, header=("email", "name", "organisation"), delimiter=",", newline="\r\n"):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def test_a_plain_list():
    rows = parse(
        written(
            [["dev@contoso.example", "Dev Patel", "Contoso"], ["Lee@Uni.example", "", ""]]
        ).encode()
    )
    assert [(r.line, r.email, r.name, r.organisation, r.problems) for r in rows] == [
        (2, "dev@contoso.example", "Dev Patel", "Contoso", []),
        (3, "lee@uni.example", "", "", []),
    ]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its byte-order mark
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    ],
    ids=["utf-8 with BOM", "utf-16", "utf-16-be"],
)
def test_what_spreadsheets_write_is_read(encode):
    text = written([["zoe@contoso.example", "Zoë Åberg", "Contoso Ångström"]])
    (row,) = parse(encode(text))
    assert row.email == "zoe@contoso.example" and row.name == "Zoë Åberg"
    assert row.organisation == "Contoso Ångström" and not row.problems


def test_semicolons_and_tabs_as_some_spreadsheets_write():
    for delimiter in (";", "\t"):
        text = written([["dev@contoso.example", "Patel, Dev", "Contoso"]], delimiter=delimiter)
        (row,) = parse(text.encode())
        assert row.name == "Patel, Dev" and not row.problems


def test_columns_in_any_order_and_spelling():
    text = "Organization,E-mail Address,Full name\nContoso,dev@contoso.example,Dev Patel\n"
    (row,) = parse(text.encode())
    assert (row.email, row.name, row.organisation) == (
        "dev@contoso.example",
        "Dev Patel",
        "Contoso",
    )


def test_only_the_email_column_is_needed():
    (row,) = parse(b"email\ndev@contoso.example\n")
    assert row.email == "dev@contoso.example" and row.name == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n\r\n", "The file is empty"),
        (b"email,name\n", "lists nobody"),
        (b"name,organisation\nDev,Contoso\n", "There is no email column"),
        (b"dev@contoso.example,Dev,Contoso\n", "The first line must name the columns"),
        (b"email,name,phone\na@b.example,A,123\n", "“phone”"),
        (b"email,Email\na@b.example,a@b.example\n", "names the email column twice"),
        ("email,name\nzoë@x.example,Zoë\n".encode("latin-1"), "not UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), "not UTF-8"),
        (b"email\x00,name\na@b.example,A\n", "NUL"),
        (b'email,name\na@b.example,"Dev\n', "Line 2 cannot be read"),
        (b'email,name\na@b.example,"Dev" Patel\n', "cannot be read"),
        (b"\xff\xfe\x00\xd8", "UTF-16"),
    ],
    ids=[
        "empty",
        "blank lines",
        "header only",
        "no email column",
        "no header",
        "unknown column",
        "twice",
        "latin-1",
        "a workbook",
        "nul",
        "unclosed quote",
        "text after a quote",
        "broken utf-16",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole_with_a_reason(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse(data)


def test_too_many_rows_and_too_many_bytes():
    many = written([[f"p{n}@example.com", f"P {n}", ""] for n in range(parsing.MAX_ROWS + 1)])
    with pytest.raises(ImportFileError, match=f"at most {parsing.MAX_ROWS}"):
        parse(many.encode())
    assert (
        len(parse(written([[f"p{n}@example.com"] for n in range(500)], header=["email"]).encode()))
        == 500
    )
    with pytest.raises(ImportTooLarge, match="may be at most"):
        parse(b"email\n" + b"a" * parsing.MAX_BYTES)


def test_each_rows_problems():
    rows = parse(
        written(
            [
                ["dev@contoso.example", "Dev", "Contoso"],
                ["DEV@contoso.example", "Dev again", ""],
                ["not an address", "X", ""],
                ["", "Nobody", ""],
                ["Mona <mona@x.example>", "Mona", ""],
                ['=HYPERLINK("http://evil")', "Eve", ""],
                ["ok@x.example", "@SUM(A1)", ""],
                ["ok2@x.example", "Line\nbreak", ""],
                ["ok3@x.example", "N" * 81, ""],
                ["ok4@x.example", "Four", "", "stray"],
                ["ok5@x.example", "Five", "-Contoso"],
            ]
        ).encode()
    )
    problems = {row.line: row.problems for row in rows}
    assert problems[2] == []
    assert problems[3] == ["The same address is on line 2."]
    assert problems[4] == ["“not an address” is not an email address."]
    assert problems[5] == ["No email address."]
    assert problems[6] == ["“Mona <mona@x.example>” is not an email address."]
    assert len(problems[7]) == 1 and "spreadsheet formula" in problems[7][0]
    assert problems[8] == [
        "The name starts with “@”, as a spreadsheet formula does; Copse keeps no such cell."
    ]
    assert problems[9] == ["The name holds a line break or another control character."]
    assert problems[10] == ["The name is longer than 80 characters."]
    assert "a cell under no column" in problems[11][0]
    assert "The organisation starts with “-”" in problems[12][0]
    # Nothing formula-like is kept, even on a row left out.
    assert all(not row.name.startswith(FORMULA_STARTS) for row in rows)


# --- Properties ---------------------------------------------------------------------------

local_part = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=12
).filter(lambda s: not s.startswith(".") and not s.endswith(".") and ".." not in s)
address = st.builds(
    lambda local, host: f"{local}@{host}.example",
    local_part,
    st.sampled_from(["contoso", "fabrikam", "northwind"]),
)
# Names with commas, quotes, semicolons and accents: what the writer must
# quote, and the reader give back.
plain_cell = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")
        ),
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: not s.startswith(FORMULA_STARTS))
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    people=st.lists(
        st.tuples(address, plain_cell, plain_cell),
        min_size=1,
        max_size=20,
        unique_by=lambda p: p[0],
    ),
    delimiter=st.sampled_from([",", ";"]),
    newline=st.sampled_from(["\r\n", "\n"]),
    bom=st.booleans(),
)
def test_what_a_csv_writer_writes_is_read_back(people, delimiter, newline, bom):
    text = written(people, delimiter=delimiter, newline=newline)
    data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
    rows = parse(data)
    assert [(r.email, r.name, r.organisation) for r in rows] == [
        (email, name[:80], organisation[:120]) for email, name, organisation in people
    ]
    assert [r.problems for r in rows] == [
        [p for p in (["The name is longer than 80 characters."] if len(name) > 80 else [])]
        for _, name, _ in people
    ]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
@example(b"email\n\xef\xbb\xbf")
@example(b'email\n"')
@example(b"\xfe\xff")
def test_any_bytes_give_rows_or_a_reason_never_a_crash(data):
    try:
        rows = parse(data)
    except ImportFileError as error:
        assert error.message
    else:
        for row in rows:
            assert row.email or row.problems
            assert not row.name.startswith(FORMULA_STARTS)


@settings(max_examples=100, deadline=None)
@given(
    start=st.sampled_from(FORMULA_STARTS),
    rest=st.text(max_size=20).filter(lambda s: "\x00" not in s),
    column=st.sampled_from(["name", "organisation"]),
)
def test_a_formula_like_cell_is_always_a_problem(start, rest, column):
    cells = {"email": "dev@contoso.example", "name": "Dev", "organisation": "Contoso"}
    cells[column] = start + rest
    text = written([[cells["email"], cells["name"], cells["organisation"]]])
    (row,) = parse(text.encode())
    assert row.problems and getattr(row, column) == ""


@settings(max_examples=100, deadline=None)
@given(people=st.lists(address, min_size=2, max_size=15))
def test_each_address_is_invited_once(people):
    rows = parse(
        written(
            [[p.upper() if n % 2 else p] for n, p in enumerate(people)], header=["email"]
        ).encode()
    )
    clean = [row.email for row in rows if not row.problems]
    assert len(clean) == len(set(clean)) == len({p.lower() for p in people})
