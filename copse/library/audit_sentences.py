"""How library actions read in the audit log."""

from django.utils.translation import gettext_lazy as _

from copse.audit.sentences import Ref, register

ITEM = Ref(
    "library.LibraryItem",
    key="item_id",
    permission="library_item.read",
    hidden=_("a library item"),
    name=lambda item: f"“{item.title}”",
)
ADAPTED_FROM = Ref(
    "library.LibraryItem",
    key="adapted_from",
    permission="library_item.read",
    hidden=_("an item elsewhere"),
    name=lambda item: f"“{item.title}”",
)

register("library.item_added", _("{actor} added {item} to the library"), item=ITEM)
register("library.version_added", _("{actor} added version {version} of {item}"), item=ITEM)
register("library.details_changed", _("{actor} changed the details of {item}"), item=ITEM)
register("library.item_removed", _("{actor} removed {item} from the library"), item=ITEM)
register(
    "library.item_adapted",
    _("{actor} adapted {source} into {item}"),
    item=ITEM,
    source=ADAPTED_FROM,
)
register("library.reuse_recorded", _("{actor} said they re-used {item}"), item=ITEM)
register(
    "library.item_shared",
    _("{actor} shared {item} beyond the community ({sharing})"),
    item=ITEM,
    words={"sharing": {"site": _("with everyone signed in"), "public": _("by a public link")}},
)
register("library.sharing_withdrawn", _("{actor} stopped sharing {item}"), item=ITEM)
