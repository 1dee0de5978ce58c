"""Builds assets/VASans{,-Bold}.ttf: the fallback font of @va/report's PNG rendering.

A subset of DejaVu Sans (Bitstream Vera licence, see assets/LICENSE-fonts.txt), renamed to
"VA Sans" as that licence asks of modified versions, keeping Latin-1, Greek, sub/superscripts
and the maths symbols charts use, without hinting. Run from packages/report with a Python that
has fontTools (Debian: /usr/bin/python3, package python3-fonttools):

    /usr/bin/python3 scripts/make-fallback-font.py [/usr/share/fonts/truetype/dejavu]
"""

import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0391-03A9,U+03B1-03C9,U+2009,U+2010-2027,U+202F,U+2030,"
    "U+2032,U+2033,U+2070-2079,U+2080-2089,U+2113,U+2190-2193,U+2202,U+2207,U+2208,U+2211,"
    "U+2212,U+2217,U+221A,U+221D,U+221E,U+2225,U+2248,U+2260,U+2261,U+2264,U+2265,U+22C5,"
    "U+27E8,U+27E9"
)

source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/dejavu")
out = pathlib.Path(__file__).resolve().parent.parent / "assets"

for style, suffix in (("Regular", ""), ("Bold", "-Bold")):
    options = subset.Options()
    options.layout_features = ["kern"]
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    font = TTFont(source / f"DejaVuSans{suffix}.ttf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    names = font["name"]
    full = "VA Sans" if style == "Regular" else "VA Sans Bold"
    for record in names.names:
        if record.nameID == 1:
            record.string = "VA Sans"
        elif record.nameID == 3:
            record.string = f"VA Sans {style} (subset of DejaVu Sans)"
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = full.replace(" ", "")
    font.save(out / f"VASans{suffix}.ttf")
    print(f"wrote {out / f'VASans{suffix}.ttf'}")
