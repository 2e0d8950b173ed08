"""The `copse` console script."""

from copse.cli import command_name


def test_hyphenated_command_names_reach_the_underscored_commands():
    assert command_name(["copse", "bench-data", "--scale", "2"]) == [
        "copse",
        "bench_data",
        "--scale",
        "2",
    ]
    assert command_name(["copse", "help", "bench-data"]) == ["copse", "help", "bench_data"]
    assert command_name(["copse", "demo", "--if-empty"]) == ["copse", "demo", "--if-empty"]
    assert command_name(["copse", "--version"]) == ["copse", "--version"]
    assert command_name(["copse"]) == ["copse"]
