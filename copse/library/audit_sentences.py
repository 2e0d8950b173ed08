"""How library actions read in the audit log."""

from copse.audit.sentences import Ref, register

ITEM = Ref(
    "library.LibraryItem",
    key="item_id",
    permission="library_item.read",
    hidden="a library item",
    name=lambda item: f"“{item.title}”",
)
ADAPTED_FROM = Ref(
    "library.LibraryItem",
    key="adapted_from",
    permission="library_item.read",
    hidden="an item elsewhere",
    name=lambda item: f"“{item.title}”",
)

register("library.item_added", "{actor} added {item} to the library", item=ITEM)
register("library.version_added", "{actor} added version {version} of {item}", item=ITEM)
register("library.details_changed", "{actor} changed the details of {item}", item=ITEM)
register("library.item_removed", "{actor} removed {item} from the library", item=ITEM)
register(
    "library.item_adapted",
    "{actor} adapted {source} into {item}",
    item=ITEM,
    source=ADAPTED_FROM,
)
register("library.reuse_recorded", "{actor} said they re-used {item}", item=ITEM)
register(
    "library.item_shared",
    "{actor} shared {item} beyond the community ({sharing})",
    item=ITEM,
    words={"sharing": {"site": "with everyone signed in", "public": "by a public link"}},
)
register("library.sharing_withdrawn", "{actor} stopped sharing {item}", item=ITEM)
