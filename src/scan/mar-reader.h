/* mar-reader.h — barcode reading: image views, reader options, results
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The shape of this interface follows zxing-cpp's C API (ZXing/ZXingC.h,
 * zxing-cpp >= 2.2: an image view, reader options, a list of barcodes), in
 * our namespace and with GLib conventions (GError, get_ borrows, dup_
 * copies). Debian 12 ships zxing-cpp 1.4.0, which has no C API, so the
 * reading itself is a small C++ bridge over the 1.4 C++ API
 * (mar-zxing-bridge.h); see README.md for the switch to ZXingC.h.
 *
 * The types here are plain data and never touch zxing: the app builds
 * views and options, the decoder worker (mar-decoder.h) reads them in a
 * separate process and the results come back as MarBarcodes. Only the
 * worker, the fuzzers and the benchmark call zxing in-process.
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MAR_READER_ERROR (mar_reader_error_quark ())

/* What went wrong with an image (not with the decoder process: that is
 * MAR_DECODER_ERROR). Finding no barcode is not an error: it is an empty
 * MarBarcodes. */
typedef enum
{
  MAR_READER_ERROR_INVALID_IMAGE,     /* 0×0, a stride or buffer too small for the size */
  MAR_READER_ERROR_TOO_LARGE,         /* more pixels or bytes than we accept (refused before allocating) */
  MAR_READER_ERROR_NOT_AN_IMAGE,      /* a file in no format we can read (a text file named .png) */
  MAR_READER_ERROR_DAMAGED,           /* a known format, but truncated or corrupt */
  MAR_READER_ERROR_FAILED,            /* the barcode library failed on this image */
} MarReaderError;

/* Images larger than this are refused before any pixel memory is
 * allocated. A 40-megapixel photo is bigger than any phone or webcam frame
 * a ward will send; zxing downscales large images anyway. */
#define MAR_READER_MAX_DIMENSION 16384
#define MAR_READER_MAX_PIXELS    (40 * 1000 * 1000)
/* Encoded image files larger than this are refused without being read. */
#define MAR_READER_MAX_FILE_SIZE (32 * 1024 * 1024)

/* Pixel layouts; the values are those of ZXing_ImageFormat (and of
 * zxing-cpp 1.4's ImageFormat, whose RGBX/XRGB/... are the same bytes). */
typedef enum
{
  MAR_IMAGE_FORMAT_NONE = 0,
  MAR_IMAGE_FORMAT_LUM  = 0x01000000,   /* 8-bit luminance (GStreamer GRAY8) */
  MAR_IMAGE_FORMAT_RGB  = 0x03000102,
  MAR_IMAGE_FORMAT_BGR  = 0x03020100,
  MAR_IMAGE_FORMAT_RGBA = 0x04000102,   /* the alpha/padding byte is ignored */
  MAR_IMAGE_FORMAT_ARGB = 0x04010203,
  MAR_IMAGE_FORMAT_BGRA = 0x04020100,
  MAR_IMAGE_FORMAT_ABGR = 0x04030201,
} MarImageFormat;

/* Bytes per pixel of @format (0 for NONE or an unknown value). */
int             mar_image_format_get_bytes_per_pixel (MarImageFormat format);

/* A borrowed view of pixels: the caller keeps @data alive and unchanged for
 * as long as the view is used. Strides are in bytes; 0 means "packed". */
typedef struct _MarImageView MarImageView;

/* NULL with @error set (MAR_READER_ERROR_INVALID_IMAGE or _TOO_LARGE) when
 * the size, format or strides are impossible. */
MarImageView   *mar_image_view_new          (const guint8      *data,
                                             int                width,
                                             int                height,
                                             MarImageFormat     format,
                                             int                row_stride,
                                             int                pix_stride,
                                             GError           **error);
/* As mar_image_view_new(), and also checks that the view stays inside the
 * @size bytes at @data. */
MarImageView   *mar_image_view_new_checked  (const guint8      *data,
                                             gsize              size,
                                             int                width,
                                             int                height,
                                             MarImageFormat     format,
                                             int                row_stride,
                                             int                pix_stride,
                                             GError           **error);
MarImageView   *mar_image_view_copy         (const MarImageView *view);
void            mar_image_view_free         (MarImageView      *view);
/* Restricts the view to a rectangle (clamped to the image, as zxing does);
 * width or height <= 0 means "to the edge". */
void            mar_image_view_crop         (MarImageView      *view,
                                             int                left,
                                             int                top,
                                             int                width,
                                             int                height);
/* Rotates the view by 0, 90, 180 or 270 degrees (clockwise, like
 * ZXing_ImageView_rotate); other angles are ignored. */
void            mar_image_view_rotate       (MarImageView      *view,
                                             int                degrees);
int             mar_image_view_get_width    (const MarImageView *view);
int             mar_image_view_get_height   (const MarImageView *view);
MarImageFormat  mar_image_view_get_format   (const MarImageView *view);
/* The luminance of pixel (x, y): the RGB weights are zxing's
 * (0.299, 0.587, 0.114), so converting before sending gives what zxing
 * would compute itself. */
guint8          mar_image_view_get_luminance (const MarImageView *view,
                                              int                x,
                                              int                y);
/* Writes the view as packed 8-bit luminance, width × height bytes. */
void            mar_image_view_copy_luminance (const MarImageView *view,
                                               guint8            *out);

/* Symbologies as flags; the values are those of ZXing_BarcodeFormat. */
typedef enum
{
  MAR_BARCODE_FORMAT_NONE             = 0,
  MAR_BARCODE_FORMAT_AZTEC            = (1 << 0),
  MAR_BARCODE_FORMAT_CODABAR          = (1 << 1),
  MAR_BARCODE_FORMAT_CODE39           = (1 << 2),
  MAR_BARCODE_FORMAT_CODE93           = (1 << 3),
  MAR_BARCODE_FORMAT_CODE128          = (1 << 4),   /* also GS1-128 (symbology identifier ]C1) */
  MAR_BARCODE_FORMAT_DATABAR          = (1 << 5),
  MAR_BARCODE_FORMAT_DATABAR_EXPANDED = (1 << 6),
  MAR_BARCODE_FORMAT_DATAMATRIX       = (1 << 7),   /* also GS1 DataMatrix (]d2) */
  MAR_BARCODE_FORMAT_EAN8             = (1 << 8),
  MAR_BARCODE_FORMAT_EAN13            = (1 << 9),
  MAR_BARCODE_FORMAT_ITF              = (1 << 10),
  MAR_BARCODE_FORMAT_MAXICODE         = (1 << 11),
  MAR_BARCODE_FORMAT_PDF417           = (1 << 12),
  MAR_BARCODE_FORMAT_QRCODE           = (1 << 13),  /* also GS1 QR Code (]Q3) */
  MAR_BARCODE_FORMAT_UPCA             = (1 << 14),
  MAR_BARCODE_FORMAT_UPCE             = (1 << 15),
  MAR_BARCODE_FORMAT_MICRO_QRCODE     = (1 << 16),
} MarBarcodeFormat;

typedef guint MarBarcodeFormats;

/* What a bedside terminal reads: GS1 DataMatrix and DataMatrix, GS1-128 and
 * Code 128, QR (incl. GS1 QR), PDF417, GS1 DataBar, EAN/UPC. Codabar, ITF,
 * Code 39/93 and the rest stay off: they are not on medication or patient
 * labels here, and every extra symbology adds ways to misread a smudge. */
#define MAR_BARCODE_FORMATS_BEDSIDE \
  (MAR_BARCODE_FORMAT_DATAMATRIX | MAR_BARCODE_FORMAT_CODE128 | \
   MAR_BARCODE_FORMAT_QRCODE | MAR_BARCODE_FORMAT_PDF417 | \
   MAR_BARCODE_FORMAT_DATABAR | MAR_BARCODE_FORMAT_DATABAR_EXPANDED | \
   MAR_BARCODE_FORMAT_EAN8 | MAR_BARCODE_FORMAT_EAN13 | \
   MAR_BARCODE_FORMAT_UPCA | MAR_BARCODE_FORMAT_UPCE)

#define MAR_BARCODE_FORMATS_ALL ((MarBarcodeFormats) 0x1ffff)

/* "DataMatrix", "Code128", ... (zxing's names; static strings). */
const char     *mar_barcode_format_to_string (MarBarcodeFormat format);

/* What the decoded bytes are, as zxing judges it (ZXing_ContentType). */
typedef enum
{
  MAR_CONTENT_TYPE_TEXT,
  MAR_CONTENT_TYPE_BINARY,
  MAR_CONTENT_TYPE_MIXED,
  MAR_CONTENT_TYPE_GS1,          /* FNC1 in first position: a GS1 element string */
  MAR_CONTENT_TYPE_ISO15434,
  MAR_CONTENT_TYPE_UNKNOWN_ECI,
} MarContentType;

typedef enum
{
  MAR_BINARIZER_LOCAL_AVERAGE,
  MAR_BINARIZER_GLOBAL_HISTOGRAM,
  MAR_BINARIZER_FIXED_THRESHOLD,
  MAR_BINARIZER_BOOL_CAST,
} MarBinarizer;

typedef struct
{
  int x, y;
} MarPoint;

/* Corners of a symbol in image pixels, clockwise from the symbol's own
 * top-left (ZXing_Position). */
typedef struct
{
  MarPoint top_left, top_right, bottom_right, bottom_left;
} MarPosition;

/* Reader options (ZXing_ReaderOptions). The defaults differ from zxing's in
 * one place: formats is MAR_BARCODE_FORMATS_BEDSIDE, not "any" (as in zxing,
 * MAR_BARCODE_FORMAT_NONE means every format). */
typedef struct _MarReaderOptions MarReaderOptions;

MarReaderOptions *mar_reader_options_new                 (void);
/* For live video (the camera): the defaults without try_harder. The next
 * frame comes 33 ms later, so each frame gets a quick look: linear
 * symbols are looked for on the middle rows, PDF417 not turned by 90°. */
MarReaderOptions *mar_reader_options_new_for_video       (void);
MarReaderOptions *mar_reader_options_copy                (const MarReaderOptions *options);
void              mar_reader_options_free                (MarReaderOptions       *options);
void              mar_reader_options_set_try_harder      (MarReaderOptions       *options,
                                                          gboolean                try_harder);
void              mar_reader_options_set_try_rotate      (MarReaderOptions       *options,
                                                          gboolean                try_rotate);
void              mar_reader_options_set_try_downscale   (MarReaderOptions       *options,
                                                          gboolean                try_downscale);
void              mar_reader_options_set_is_pure         (MarReaderOptions       *options,
                                                          gboolean                is_pure);
void              mar_reader_options_set_formats         (MarReaderOptions       *options,
                                                          MarBarcodeFormats       formats);
void              mar_reader_options_set_binarizer       (MarReaderOptions       *options,
                                                          MarBinarizer            binarizer);
/* Ours, not zxing's: spend more time to miss less, for still photos
 * rather than camera frames (up to ten times slower on an image with
 * nothing to find). When the quick read leaves something out, also
 * - look for DataMatrix in more places (zxing 1.4 looks along the image's
 *   centre lines only; a quick read tries 4 candidates, a thorough one 12);
 * - when the picture shows bars, turn it by their angle or in 15° steps:
 *   zxing 1.4 reads linear symbols (Code 128, EAN/UPC, DataBar) along rows
 *   and columns only and misses one tilted by more than about 10°; read
 *   them enlarged (tiny bars) and through an unsharp mask (blur);
 * - binarize by the global histogram too, which reads washed-out (glare)
 *   images that local thresholds miss.
 * Off by default; on for image files (mar_decoder_decode_file()). */
void              mar_reader_options_set_thorough        (MarReaderOptions       *options,
                                                          gboolean                thorough);
gboolean          mar_reader_options_get_thorough        (const MarReaderOptions *options);
/* 1–255; how many symbols to look for in one image. */
void              mar_reader_options_set_max_number_of_symbols (MarReaderOptions *options,
                                                                int               n);
/* Linear symbologies: how many scan lines must agree (zxing's default 2). */
void              mar_reader_options_set_min_line_count  (MarReaderOptions       *options,
                                                          int                     n);
gboolean          mar_reader_options_get_try_harder      (const MarReaderOptions *options);
gboolean          mar_reader_options_get_try_rotate      (const MarReaderOptions *options);
gboolean          mar_reader_options_get_try_downscale   (const MarReaderOptions *options);
gboolean          mar_reader_options_get_is_pure         (const MarReaderOptions *options);
MarBarcodeFormats mar_reader_options_get_formats         (const MarReaderOptions *options);
MarBinarizer      mar_reader_options_get_binarizer       (const MarReaderOptions *options);
int               mar_reader_options_get_max_number_of_symbols (const MarReaderOptions *options);
int               mar_reader_options_get_min_line_count  (const MarReaderOptions *options);

/* One decoded symbol (ZXing_Barcode). Immutable, reference counted. */
typedef struct _MarBarcode MarBarcode;

#define MAR_TYPE_BARCODE (mar_barcode_get_type ())
GType             mar_barcode_get_type                   (void) G_GNUC_CONST;

/* Used by the bridge and the protocol to build results. @bytes and @text
 * are copied; @text must be UTF-8 (invalid sequences are replaced). */
MarBarcode       *mar_barcode_new                        (MarBarcodeFormat        format,
                                                          MarContentType          content_type,
                                                          const char             *symbology_identifier,
                                                          const guint8           *bytes,
                                                          gsize                   n_bytes,
                                                          const char             *text,
                                                          const MarPosition      *position,
                                                          int                     orientation,
                                                          gboolean                is_mirrored,
                                                          gboolean                has_eci);
MarBarcode       *mar_barcode_ref                        (MarBarcode             *barcode);
void              mar_barcode_unref                      (MarBarcode             *barcode);

MarBarcodeFormat  mar_barcode_get_format                 (const MarBarcode       *barcode);
MarContentType    mar_barcode_get_content_type           (const MarBarcode       *barcode);
/* TRUE for a GS1 element string (FNC1 in first position: ]d2, ]C1, ]Q3,
 * ]e0, and zxing's ]d8 for a GS1 DMRE symbol). */
gboolean          mar_barcode_is_gs1                     (const MarBarcode       *barcode);
/* The raw decoded bytes, GS (0x1D) kept as the field separator, without
 * the symbology identifier. Always followed by a NUL not counted in
 * @length, so ASCII payloads can be used as strings. */
const guint8     *mar_barcode_get_bytes                  (const MarBarcode       *barcode,
                                                          gsize                  *length);
/* The content as UTF-8 text (zxing's character-set interpretation). */
const char       *mar_barcode_get_text                   (const MarBarcode       *barcode);
/* The AIM symbology identifier as zxing reports it: "]d2", "]C1", "]Q3",
 * "]E0"... zxing reports rectangular DMRE DataMatrix as "]d7" (plain) and
 * "]d8" (GS1), modifiers ISO/IEC 16022 does not define. */
const char       *mar_barcode_get_symbology_identifier   (const MarBarcode       *barcode);
/* The identifier the payload parser expects, with the DMRE modifiers
 * folded back to ISO/IEC 16022's: "]d7" -> "]d1", "]d8" -> "]d2". */
const char       *mar_barcode_get_aim_identifier         (const MarBarcode       *barcode);
/* What a keyboard-wedge scanner that transmits AIM identifiers would send:
 * the AIM identifier followed by the bytes (transfer full, NUL-terminated;
 * @length may be NULL). This is what mar_scan_parse() takes. */
char             *mar_barcode_dup_scan_data              (const MarBarcode       *barcode,
                                                          gsize                  *length);
/* A name for people: "GS1 DataMatrix", "GS1-128", "Code 128", "GS1 QR Code",
 * "EAN-13"... (static, not translated: these are symbology names). */
const char       *mar_barcode_get_symbology_name         (const MarBarcode       *barcode);
void              mar_barcode_get_position               (const MarBarcode       *barcode,
                                                          MarPosition            *position);
/* Rotation of the symbol in the image, degrees. */
int               mar_barcode_get_orientation            (const MarBarcode       *barcode);
gboolean          mar_barcode_is_mirrored                (const MarBarcode       *barcode);
gboolean          mar_barcode_has_eci                    (const MarBarcode       *barcode);
/* Same symbology and same bytes. */
gboolean          mar_barcode_same_payload               (const MarBarcode       *a,
                                                          const MarBarcode       *b);

/* The symbols found in one image (ZXing_Barcodes). Reference counted. */
typedef struct _MarBarcodes MarBarcodes;

#define MAR_TYPE_BARCODES (mar_barcodes_get_type ())
GType             mar_barcodes_get_type                  (void) G_GNUC_CONST;

MarBarcodes      *mar_barcodes_new                       (void);
/* Takes ownership of @barcode. */
void              mar_barcodes_take                      (MarBarcodes            *barcodes,
                                                          MarBarcode             *barcode);
MarBarcodes      *mar_barcodes_ref                       (MarBarcodes            *barcodes);
void              mar_barcodes_unref                     (MarBarcodes            *barcodes);
guint             mar_barcodes_get_size                  (const MarBarcodes      *barcodes);
/* (transfer none) */
MarBarcode       *mar_barcodes_get                       (const MarBarcodes      *barcodes,
                                                          guint                   index);

GQuark            mar_reader_error_quark                 (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarImageView, mar_image_view_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarReaderOptions, mar_reader_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarBarcode, mar_barcode_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarBarcodes, mar_barcodes_unref)

G_END_DECLS
