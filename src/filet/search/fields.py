"""Which entity properties are searched, and as what.

Names are every FtM property of type ``name`` (name, alias, previousName, weakAlias,
abbreviation). Identifiers are recognised by property, since an FtM ``identifier`` value
may be anything from a tax number to a hull number.
"""

from __future__ import annotations

from followthemoney.property import Property

from filet.model import identifiers

NAME_KIND = "name"
IDENTIFIER_PROPS: dict[str, str] = {
    "imoNumber": identifiers.imo.KIND,
    "mmsi": identifiers.mmsi.KIND,
    "iban": identifiers.iban.KIND,
    "ibanMentioned": identifiers.iban.KIND,
    "publicKey": identifiers.crypto.KIND,
    "cryptoAddress": identifiers.crypto.KIND,
    "containerNumber": identifiers.container.KIND,
}
SEARCH_KINDS = (NAME_KIND, *identifiers.KINDS)


def is_name(prop: Property) -> bool:
    return prop.type.name == "name"


def identifier_kind(prop: Property) -> str | None:
    """The identifier kind a property holds, if it is searched as one."""
    if prop.type.name == "phone":
        return identifiers.phone.KIND
    return IDENTIFIER_PROPS.get(prop.name)


def index_value(kind: str, text: str) -> str:
    """The key a value is stored and looked up under.

    Valid values get their canonical form. Invalid ones (hulls with a wrong IMO check
    digit exist, and sources mistype) are kept under their compact form (separators and
    prefixes dropped, unchecked), which the same value typed another way finds.
    """
    try:
        return identifiers.normalize(kind, text)
    except ValueError:
        return str(identifiers.KINDS[kind].compact(text))[:128]
