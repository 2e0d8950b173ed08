"""The currencies a saving may be told in: the ISO 4217 list of current
national and regional currencies (three capital letters).

Kept here rather than taken from a package: the list changes a few times a
decade, and the product needs nothing but the codes. Fund codes (such as
BOV, CHE, USN), precious metals (XAU, XAG, ...), drawing rights (XDR) and the
testing codes (XTS, XXX) are left out: nobody saves money in them.
"""

from __future__ import annotations

# Grouped by first letter, as the standard lists them, to check against it.
CURRENCIES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN
    BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK
    DJF DKK DOP DZD
    EGP ERN ETB EUR
    FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF
    IDR ILS INR IQD IRR ISK
    JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT
    LAK LBP LKR LRD LSL LYD
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD
    OMR
    PAB PEN PGK PHP PKR PLN PYG
    QAR
    RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS
    VED VES VND VUV
    WST
    XAF XCD XCG XOF XPF
    YER
    ZAR ZMW ZWG
    """.split()  # noqa: SIM905
)


def normalise(code: str | None) -> str:
    """`code` as stored: trimmed and in capitals ("usd " -> "USD")."""
    return (code or "").strip().upper()


def is_currency(code: str) -> bool:
    return code in CURRENCIES
