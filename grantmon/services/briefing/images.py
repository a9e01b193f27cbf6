"""Chart images for the pack's files: opaque PNGs, placed in the PDF without re-encoding.

reportlab decodes every PNG it is given and encodes its pixels again, in pure Python when its
C accelerator is missing (about 0.25 s an image of 1920 x 1080). A PDF can hold a PNG's own
compressed pixels unchanged (the Flate filter with PNG predictors) when the PNG is 8-bit RGB,
so the pack makes each chart's PNG opaque RGB once, when it is drawn, and the PDF places it.
"""

import hashlib
import io
import struct
from dataclasses import dataclass

from PIL import Image
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFImageXObject, PDFName, PDFStream
from reportlab.platypus import Flowable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB, EIGHT_BITS, NOT_INTERLACED = 2, 8, 0


def opaque_png(png: bytes) -> bytes:
    """The PNG as 8-bit RGB on white (a chart's transparency, if any, falls on the page's
    white), ready to be placed in a PDF as it is."""
    if _passable(png) is not None:
        return png
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    out = io.BytesIO()
    # Level 1 compresses a chart's flat colours nearly as well as the default, in a third
    # of the time.
    flat.save(out, "PNG", compress_level=1)
    return out.getvalue()


@dataclass(frozen=True)
class PngPixels:
    """An 8-bit RGB PNG's size and its compressed pixel rows, as the PDF will hold them."""

    width: int
    height: int
    deflated: bytes


def _passable(png: bytes) -> PngPixels | None:
    """The PNG's pixels if a PDF can hold them unchanged (8-bit RGB, not interlaced)."""
    if not png.startswith(PNG_SIGNATURE):
        return None
    at, header, rows = len(PNG_SIGNATURE), b"", []
    while at + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        data = png[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            rows.append(data)
        at += 12 + length
    if len(header) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if (depth, colour, interlace) != (EIGHT_BITS, RGB, NOT_INTERLACED) or not rows:
        return None
    return PngPixels(width, height, b"".join(rows))


class _PngXObject(PDFImageXObject):
    """An image XObject holding a PNG's compressed rows with the PNG predictors declared."""

    def __init__(self, name: str, pixels: PngPixels) -> None:
        super().__init__(name)
        self.pixels = pixels

    def format(self, document: object) -> bytes:
        """The image stream: PNG's deflated rows, decoded by the reader, never by us."""
        width = self.pixels.width
        stream = PDFStream(content=self.pixels.deflated)
        parameters = {"Predictor": 15, "Colors": 3, "BitsPerComponent": 8, "Columns": width}
        stream.dictionary.dict.update(
            {
                "Type": PDFName("XObject"),
                "Subtype": PDFName("Image"),
                "Width": width,
                "Height": self.pixels.height,
                "BitsPerComponent": 8,
                "ColorSpace": PDFName("DeviceRGB"),
                "Filter": PDFName("FlateDecode"),
                "DecodeParms": PDFDictionary(parameters),
            }
        )
        return stream.format(document)  # type: ignore[no-any-return]


class PlacedPng(Flowable):
    """A PNG drawn at a given size in a PDF, its pixels placed as they are when it allows."""

    def __init__(self, png: bytes, width: float, height: float) -> None:
        super().__init__()
        self.png, self.width, self.height = png, width, height
        self.pixels = _passable(png) or _passable(opaque_png(png))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """The size it takes on the page."""
        return self.width, self.height

    def draw(self) -> None:
        """Register the image once per document and draw it scaled into its box."""
        assert self.pixels is not None  # opaque_png always gives a passable PNG
        canvas = self.canv
        # reportlab has no public call to add an image it did not encode itself; its own
        # drawImage registers images on the document this same way.
        document = canvas._doc
        name = "png" + hashlib.sha1(self.pixels.deflated, usedforsecurity=False).hexdigest()
        registered = document.getXObjectName(name)
        if registered not in document.idToObject:
            image = _PngXObject(name, self.pixels)
            document.Reference(image, registered)
            document.addForm(name, image)
        canvas._currentPageHasImages = 1
        canvas.saveState()
        canvas.scale(self.width, self.height)
        canvas.doForm(name)
        canvas.restoreState()
