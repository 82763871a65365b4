"""The preview image a shared link shows (Open Graph, Twitter card): drawn with Pillow from the page, once per state
of the page, and kept in private storage (a cache: the view of published pages serves it). Nothing else here."""

import hashlib
import io
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont, ImageOps

from compagnons.core.storage import private_storage
from compagnons.showcase.models import Profile
from compagnons.showcase.site import public_name

SHARE_SIZE = (1200, 630)  # pixels
# Each theme's colours, as in showcase.css: background, accent (band, name), text on the background.
SHARE_COLOURS = {
    "sobre": ("#f4f8f6", "#1d6b4f", "#1f2a26"),
    "chaleureux": ("#fbeee3", "#8a3b12", "#2e1f17"),
    "nuit": ("#1b2a4a", "#f2c14e", "#ffffff"),
}
FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF"]


def share_fingerprint(profile: Profile) -> str:
    """What the image shows: another name, headline, trade, region, photo or theme is another image."""
    member = profile.member
    state = (public_name(member), profile.headline, member.trade, member.region, profile.photo.name, profile.theme)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def _font(size: int, *, bold: bool = False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (Path(folder) / name).exists():
            return ImageFont.truetype(str(Path(folder) / name), size)
    return ImageFont.load_default(size=size)


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + " …", font=font) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] = lines[-1].rstrip() + " …"
    return lines


def draw_share_image(profile: Profile) -> bytes:
    """Name, headline, trade and region, and the photo when there is one, in the page's theme: a PNG."""
    background, accent, ink = SHARE_COLOURS.get(profile.theme, SHARE_COLOURS["sobre"])
    width, height = SHARE_SIZE
    image = Image.new("RGB", SHARE_SIZE, background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, height), fill=accent)
    left = 90
    if profile.photo:
        try:
            with profile.photo.open("rb") as stored:
                photo = ImageOps.fit(Image.open(stored).convert("RGB"), (320, 320))
            mask = Image.new("L", (320, 320), 0)
            ImageDraw.Draw(mask).ellipse((0, 0, 319, 319), fill=255)
            image.paste(photo, (90, (height - 320) // 2), mask)
            left = 90 + 320 + 60
        except (OSError, ValueError):
            pass  # a missing or unreadable photo: the card without it
    text_width = width - left - 70
    y = 120
    name_font = _font(64, bold=True)
    for line in _wrap(draw, public_name(profile.member), name_font, text_width, 2):
        draw.text((left, y), line, font=name_font, fill=accent if profile.theme != "nuit" else ink)
        y += 78
    y += 12
    headline_font = _font(38)
    for line in _wrap(draw, profile.headline, headline_font, text_width, 4):
        draw.text((left, y), line, font=headline_font, fill=ink)
        y += 50
    member = profile.member
    facts = " · ".join(part for part in (member.trade, member.get_region_display()) if part)
    small = _font(30)
    if facts:
        draw.text((left, y + 20), _wrap(draw, facts, small, text_width, 1)[0], font=small, fill=ink)
    draw.text((left, height - 80), "Compagnons du télétravail", font=_font(28, bold=True), fill=accent)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def share_image(profile: Profile) -> bytes:
    """The page's preview image, drawn once per state of the page and kept in private storage (served by the view
    of published pages only); older versions are deleted when a new one is drawn."""
    folder = f"share/{profile.pk}"
    name = f"{folder}/{share_fingerprint(profile)}.png"
    if private_storage.exists(name):
        with private_storage.open(name, "rb") as stored:
            return stored.read()
    data = draw_share_image(profile)
    # Saved under another name only if a simultaneous request saved it first: then that copy goes too.
    private_storage.save(name, ContentFile(data))
    for other in private_storage.listdir(folder)[1]:
        if f"{folder}/{other}" != name:
            private_storage.delete(f"{folder}/{other}")
    return data


def delete_share_images(profile: Profile) -> None:
    folder = f"share/{profile.pk}"
    try:
        _dirs, files = private_storage.listdir(folder)
    except FileNotFoundError:
        return
    for other in files:
        private_storage.delete(f"{folder}/{other}")
