"""Tasks that exist only for the workers' tests."""

from django_tasks import task

CALLS: list[str] = []


@task()
def record_call(label: str) -> str:
    CALLS.append(label)
    return label


@task()
def charge_card(amount: int) -> int:
    return amount


@task()
def stumble_on_the_database() -> None:
    from django.db import OperationalError

    CALLS.append("stumbled")
    if CALLS.count("stumbled") == 1:
        raise OperationalError("database is locked")


@task()
def fail_on_purpose() -> None:
    raise ValueError("this task fails by itself")


SAFE_TO_REPEAT = {
    "record_call": "it only records that it ran",
    "stumble_on_the_database": "it only records that it ran",
    "fail_on_purpose": "it changes nothing",
}
NOT_SAFE_TO_REPEAT = {"charge_card": "a second run would charge twice"}
