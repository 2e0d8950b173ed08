"""What value stories add up to for the sponsor's report (copse/sponsors):
only stories their authors shared for the report, only as totals, each with
the number of storytellers behind it so the report can hold back a total
that few people made. Never a title, a story or an author."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Upper

from copse.value.models import Cycle, Sharing, ValueStory


def _shared_for_report(community_ids, since):
    stories = ValueStory.objects.filter(
        community_id__in=list(community_ids),
        sharing=Sharing.REPORT,
        removed_at__isnull=True,
    )
    if since is not None:
        stories = stories.filter(created_at__gte=since)
    return stories


def _money(amount) -> Decimal:
    # Both databases' sums come back with the field's own places.
    return Decimal(amount or 0).quantize(Decimal("0.01"))


def _hours(amount) -> Decimal:
    return Decimal(amount or 0).quantize(Decimal("0.1"))


def totals(community_ids, *, since=None) -> dict:
    """Totals of the stories shared for the report in `community_ids`
    (written since `since`, when given), in three queries whatever their number:

    - "stories", "storytellers": how many, by how many distinct authors;
    - "money": one entry per currency, {"currency", "amount", "stories",
      "storytellers"}, by currency code;
    - "hours": {"amount", "stories", "storytellers"};
    - "cycles": one entry per cycle of the framework, in its order,
      {"cycle", "label", "stories", "storytellers"}.
    """
    stories = _shared_for_report(community_ids, since)
    with_hours = Q(hours_saved__isnull=False)
    overall = stories.aggregate(
        stories=Count("id"),
        storytellers=Count("author", distinct=True),
        hours=Sum("hours_saved"),
        hours_stories=Count("id", filter=with_hours),
        hours_storytellers=Count("author", distinct=True, filter=with_hours),
    )
    money = (
        stories.filter(money_saved__isnull=False)
        .annotate(code=Upper("currency"))
        .values("code")
        .annotate(
            amount=Sum("money_saved"),
            stories=Count("id"),
            storytellers=Count("author", distinct=True),
        )
        .order_by("code")
    )
    by_cycle = {
        row["cycle"]: row
        for row in stories.values("cycle")
        .annotate(stories=Count("id"), storytellers=Count("author", distinct=True))
        .order_by()
    }
    return {
        "stories": overall["stories"],
        "storytellers": overall["storytellers"],
        "money": [
            {
                "currency": row["code"],
                "amount": _money(row["amount"]),
                "stories": row["stories"],
                "storytellers": row["storytellers"],
            }
            for row in money
        ],
        "hours": {
            "amount": _hours(overall["hours"]),
            "stories": overall["hours_stories"],
            "storytellers": overall["hours_storytellers"],
        },
        "cycles": [
            {
                "cycle": cycle.value,
                "label": cycle.label.split(":")[0],
                "stories": by_cycle.get(cycle.value, {}).get("stories", 0),
                "storytellers": by_cycle.get(cycle.value, {}).get("storytellers", 0),
            }
            for cycle in Cycle
        ],
    }
