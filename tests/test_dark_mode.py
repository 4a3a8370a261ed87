"""The site's colours, light and dark (static/style.css): every text readable on what it sits on."""

import re
from pathlib import Path

import pytest

STYLE = Path(__file__).resolve().parent.parent / "blog" / "static" / "style.css"
DARK = "@media (prefers-color-scheme: dark)"

# (text colour, background) pairs the stylesheet puts together.
TEXT_ON = [
    *[("text", bg) for bg in ("bg", "card", "field-bg", "subtle-bg", "info-bg", "warn-bg",
                               "ok-bg", "danger-bg")],
    ("muted", "bg"), ("muted", "card"), ("muted", "subtle-bg"),
    ("accent", "bg"), ("accent", "card"), ("accent", "info-bg"), ("accent", "warn-bg"),
    ("accent-dark", "card"), ("accent-dark", "info-bg"),  # hovered links, tags, pressed buttons
    ("danger", "card"), ("danger", "danger-bg"),  # errors beside fields, error flashes
    ("warn-fg", "warn-bg"),  # the draft badge
    ("on-accent", "accent-fill"), ("on-accent", "accent-dark"),  # primary buttons, hovered
    ("card", "text"),  # the brand
]


def luminance(colour):
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)

    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    """WCAG's contrast ratio of two #rgb or #rrggbb colours."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def variables(block):
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})\s*;", block))


def palettes():
    """{"light": {name: colour}, "dark": {...}}: :root's variables, the dark ones over them."""
    css = STYLE.read_text()
    light = variables(css[css.index(":root {"):css.index("}", css.index(":root {"))])
    dark_start = css.index(DARK)
    dark = variables(css[dark_start:css.index("}", dark_start)])
    return {"light": light, "dark": {**light, **dark}}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_has_a_contrast_of_4_5_on_its_backgrounds(scheme):
    colours = palettes()[scheme]
    poor = [f"--{fg} on --{bg}: {contrast(colours[fg], colours[bg]):.2f}"
            for fg, bg in TEXT_ON if contrast(colours[fg], colours[bg]) < 4.5]
    assert not poor, poor


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_focus_ring_stands_out_from_the_page_and_the_cards(scheme):
    colours = palettes()[scheme]
    assert all(contrast(colours["focus"], colours[bg]) >= 3 for bg in ("bg", "card", "field-bg"))


def test_dark_mode_changes_the_page_colours():
    light, dark = palettes()["light"], palettes()["dark"]
    assert {name for name in light if light[name] != dark[name]} >= {
        "bg", "card", "text", "muted", "accent", "field-bg"}
