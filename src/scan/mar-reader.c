/* mar-reader.c — image views, reader options and results as plain data
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-reader"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-reader-private.h"

G_DEFINE_QUARK (mar-reader-error-quark, mar_reader_error)

struct _MarBarcode
{
  gatomicrefcount   ref_count;
  MarBarcodeFormat  format;
  MarContentType    content_type;
  char             *symbology_identifier;
  char             *aim_identifier;
  guint8           *bytes;          /* NUL-terminated, n_bytes not counting it */
  gsize             n_bytes;
  char             *text;
  MarPosition       position;
  int               orientation;
  gboolean          is_mirrored;
  gboolean          has_eci;
};

struct _MarBarcodes
{
  gatomicrefcount  ref_count;
  GPtrArray       *items;
};

int
mar_image_format_get_bytes_per_pixel (MarImageFormat format)
{
  switch (format)
    {
    case MAR_IMAGE_FORMAT_LUM:
    case MAR_IMAGE_FORMAT_RGB:
    case MAR_IMAGE_FORMAT_BGR:
    case MAR_IMAGE_FORMAT_RGBA:
    case MAR_IMAGE_FORMAT_ARGB:
    case MAR_IMAGE_FORMAT_BGRA:
    case MAR_IMAGE_FORMAT_ABGR:
      /* The top byte of the value is the pixel size (zxing's PixStride). */
      return (int) (((guint32) format >> 24) & 0xff);
    case MAR_IMAGE_FORMAT_NONE:
    default:
      return 0;
    }
}

static gboolean
check_geometry (int              width,
                int              height,
                MarImageFormat   format,
                int             *row_stride,
                int             *pix_stride,
                GError         **error)
{
  int bpp = mar_image_format_get_bytes_per_pixel (format);

  if (bpp == 0)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE,
                   _("Unknown pixel format 0x%08x"), (guint) format);
      return FALSE;
    }
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE,
                   _("The image is empty (%d × %d pixels)"), width, height);
      return FALSE;
    }
  if (width > MAR_READER_MAX_DIMENSION || height > MAR_READER_MAX_DIMENSION ||
      (gint64) width * height > MAR_READER_MAX_PIXELS)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE,
                   _("The image is too large (%d × %d pixels)"), width, height);
      return FALSE;
    }
  if (*pix_stride == 0)
    *pix_stride = bpp;
  if (*pix_stride < bpp)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE,
                   _("Pixel stride %d is smaller than a pixel (%d bytes)"), *pix_stride, bpp);
      return FALSE;
    }
  if ((gint64) width * *pix_stride > G_MAXINT)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE,
                   _("The image rows are too long"));
      return FALSE;
    }
  if (*row_stride == 0)
    *row_stride = width * *pix_stride;
  if (*row_stride < 0 || (gint64) *row_stride < (gint64) (width - 1) * *pix_stride + bpp)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE,
                   _("Row stride %d is too small for %d pixels"), *row_stride, width);
      return FALSE;
    }
  return TRUE;
}

MarImageView *
mar_image_view_new (const guint8    *data,
                    int              width,
                    int              height,
                    MarImageFormat   format,
                    int              row_stride,
                    int              pix_stride,
                    GError         **error)
{
  MarImageView *view;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_geometry (width, height, format, &row_stride, &pix_stride, error))
    return NULL;

  view = g_new0 (MarImageView, 1);
  view->data = data;
  view->format = format;
  view->width = width;
  view->height = height;
  view->row_stride = row_stride;
  view->pix_stride = pix_stride;
  return view;
}

MarImageView *
mar_image_view_new_checked (const guint8    *data,
                            gsize            size,
                            int              width,
                            int              height,
                            MarImageFormat   format,
                            int              row_stride,
                            int              pix_stride,
                            GError         **error)
{
  guint64 needed;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_geometry (width, height, format, &row_stride, &pix_stride, error))
    return NULL;

  needed = (guint64) (height - 1) * (guint64) row_stride +
           (guint64) (width - 1) * (guint64) pix_stride +
           (guint64) mar_image_format_get_bytes_per_pixel (format);
  if (data == NULL || needed > size)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE,
                   _("The image data is shorter than its size says"));
      return NULL;
    }
  return mar_image_view_new (data, width, height, format, row_stride, pix_stride, error);
}

MarImageView *
mar_image_view_copy (const MarImageView *view)
{
  g_return_val_if_fail (view != NULL, NULL);

  return g_memdup2 (view, sizeof *view);
}

void
mar_image_view_free (MarImageView *view)
{
  g_free (view);
}

static inline const guint8 *
pixel_at (const MarImageView *view,
          int                 x,
          int                 y)
{
  return view->data + (gssize) y * view->row_stride + (gssize) x * view->pix_stride;
}

void
mar_image_view_crop (MarImageView *view,
                     int           left,
                     int           top,
                     int           width,
                     int           height)
{
  g_return_if_fail (view != NULL);

  left = CLAMP (left, 0, view->width - 1);
  top = CLAMP (top, 0, view->height - 1);
  width = width <= 0 ? view->width - left : MIN (view->width - left, width);
  height = height <= 0 ? view->height - top : MIN (view->height - top, height);

  view->data = pixel_at (view, left, top);
  view->width = width;
  view->height = height;
}

void
mar_image_view_rotate (MarImageView *view,
                       int           degrees)
{
  MarImageView r;

  g_return_if_fail (view != NULL);

  r = *view;
  switch (((degrees % 360) + 360) % 360)
    {
    case 90:
      r.data = pixel_at (view, 0, view->height - 1);
      r.width = view->height;
      r.height = view->width;
      r.row_stride = view->pix_stride;
      r.pix_stride = -view->row_stride;
      break;
    case 180:
      r.data = pixel_at (view, view->width - 1, view->height - 1);
      r.row_stride = -view->row_stride;
      r.pix_stride = -view->pix_stride;
      break;
    case 270:
      r.data = pixel_at (view, view->width - 1, 0);
      r.width = view->height;
      r.height = view->width;
      r.row_stride = -view->pix_stride;
      r.pix_stride = view->row_stride;
      break;
    default:
      return;
    }
  *view = r;
}

int
mar_image_view_get_width (const MarImageView *view)
{
  g_return_val_if_fail (view != NULL, 0);
  return view->width;
}

int
mar_image_view_get_height (const MarImageView *view)
{
  g_return_val_if_fail (view != NULL, 0);
  return view->height;
}

MarImageFormat
mar_image_view_get_format (const MarImageView *view)
{
  g_return_val_if_fail (view != NULL, MAR_IMAGE_FORMAT_NONE);
  return view->format;
}

/* Rec. 601 weights in 10-bit fixed point with rounding, the same integer
 * formula as zxing's RGBToLum, so a frame converted here reads exactly as
 * zxing would have read the colour frame. */
static inline guint8
rgb_to_lum (guint r,
            guint g,
            guint b)
{
  return (guint8) ((306 * r + 601 * g + 117 * b + 0x200) >> 10);
}

guint8
mar_image_view_get_luminance (const MarImageView *view,
                              int                 x,
                              int                 y)
{
  const guint8 *p;
  guint32 f;

  g_return_val_if_fail (view != NULL, 0);
  g_return_val_if_fail (x >= 0 && x < view->width && y >= 0 && y < view->height, 0);

  p = pixel_at (view, x, y);
  if (view->format == MAR_IMAGE_FORMAT_LUM)
    return p[0];

  f = (guint32) view->format;
  return rgb_to_lum (p[(f >> 16) & 0xff], p[(f >> 8) & 0xff], p[f & 0xff]);
}

void
mar_image_view_copy_luminance (const MarImageView *view,
                               guint8             *out)
{
  guint32 f;
  guint ri, gi, bi;

  g_return_if_fail (view != NULL);
  g_return_if_fail (out != NULL);

  f = (guint32) view->format;
  ri = (f >> 16) & 0xff;
  gi = (f >> 8) & 0xff;
  bi = f & 0xff;

  for (int y = 0; y < view->height; y++)
    {
      const guint8 *row = pixel_at (view, 0, y);
      guint8 *dst = out + (gsize) y * view->width;

      if (view->format == MAR_IMAGE_FORMAT_LUM && view->pix_stride == 1)
        {
          memcpy (dst, row, view->width);
          continue;
        }
      for (int x = 0; x < view->width; x++)
        {
          const guint8 *p = row + (gssize) x * view->pix_stride;

          dst[x] = view->format == MAR_IMAGE_FORMAT_LUM ? p[0] : rgb_to_lum (p[ri], p[gi], p[bi]);
        }
    }
}

/* Reader options */

MarReaderOptions *
mar_reader_options_new (void)
{
  MarReaderOptions *options = g_new0 (MarReaderOptions, 1);

  options->formats = MAR_BARCODE_FORMATS_BEDSIDE;
  options->binarizer = MAR_BINARIZER_LOCAL_AVERAGE;
  options->max_number_of_symbols = 255;
  options->min_line_count = 2;
  options->try_harder = TRUE;
  options->try_rotate = TRUE;
  options->try_downscale = TRUE;
  options->is_pure = FALSE;
  return options;
}

MarReaderOptions *
mar_reader_options_new_for_video (void)
{
  MarReaderOptions *options = mar_reader_options_new ();

  options->try_harder = FALSE;
  return options;
}

MarReaderOptions *
mar_reader_options_copy (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);
  return g_memdup2 (options, sizeof *options);
}

void
mar_reader_options_free (MarReaderOptions *options)
{
  g_free (options);
}

void
mar_reader_options_set_try_harder (MarReaderOptions *options,
                                   gboolean          try_harder)
{
  g_return_if_fail (options != NULL);
  options->try_harder = !!try_harder;
}

void
mar_reader_options_set_try_rotate (MarReaderOptions *options,
                                   gboolean          try_rotate)
{
  g_return_if_fail (options != NULL);
  options->try_rotate = !!try_rotate;
}

void
mar_reader_options_set_try_downscale (MarReaderOptions *options,
                                      gboolean          try_downscale)
{
  g_return_if_fail (options != NULL);
  options->try_downscale = !!try_downscale;
}

void
mar_reader_options_set_is_pure (MarReaderOptions *options,
                                gboolean          is_pure)
{
  g_return_if_fail (options != NULL);
  options->is_pure = !!is_pure;
}

void
mar_reader_options_set_formats (MarReaderOptions  *options,
                                MarBarcodeFormats  formats)
{
  g_return_if_fail (options != NULL);
  options->formats = formats & MAR_BARCODE_FORMATS_ALL;
}

void
mar_reader_options_set_binarizer (MarReaderOptions *options,
                                  MarBinarizer      binarizer)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (binarizer <= MAR_BINARIZER_BOOL_CAST);
  options->binarizer = binarizer;
}

void
mar_reader_options_set_max_number_of_symbols (MarReaderOptions *options,
                                              int               n)
{
  g_return_if_fail (options != NULL);
  options->max_number_of_symbols = (guint8) CLAMP (n, 1, 255);
}

void
mar_reader_options_set_min_line_count (MarReaderOptions *options,
                                       int               n)
{
  g_return_if_fail (options != NULL);
  options->min_line_count = (guint8) CLAMP (n, 1, 255);
}

void
mar_reader_options_set_thorough (MarReaderOptions *options,
                                   gboolean          thorough)
{
  g_return_if_fail (options != NULL);
  options->thorough = !!thorough;
}

gboolean
mar_reader_options_get_thorough (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);
  return options->thorough;
}

gboolean
mar_reader_options_get_try_harder (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);
  return options->try_harder;
}

gboolean
mar_reader_options_get_try_rotate (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);
  return options->try_rotate;
}

gboolean
mar_reader_options_get_try_downscale (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);
  return options->try_downscale;
}

gboolean
mar_reader_options_get_is_pure (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);
  return options->is_pure;
}

MarBarcodeFormats
mar_reader_options_get_formats (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, MAR_BARCODE_FORMAT_NONE);
  return options->formats;
}

MarBinarizer
mar_reader_options_get_binarizer (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, MAR_BINARIZER_LOCAL_AVERAGE);
  return options->binarizer;
}

int
mar_reader_options_get_max_number_of_symbols (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, 0);
  return options->max_number_of_symbols;
}

int
mar_reader_options_get_min_line_count (const MarReaderOptions *options)
{
  g_return_val_if_fail (options != NULL, 0);
  return options->min_line_count;
}

/* Barcodes */

const char *
mar_barcode_format_to_string (MarBarcodeFormat format)
{
  switch (format)
    {
    case MAR_BARCODE_FORMAT_AZTEC: return "Aztec";
    case MAR_BARCODE_FORMAT_CODABAR: return "Codabar";
    case MAR_BARCODE_FORMAT_CODE39: return "Code39";
    case MAR_BARCODE_FORMAT_CODE93: return "Code93";
    case MAR_BARCODE_FORMAT_CODE128: return "Code128";
    case MAR_BARCODE_FORMAT_DATABAR: return "DataBar";
    case MAR_BARCODE_FORMAT_DATABAR_EXPANDED: return "DataBarExpanded";
    case MAR_BARCODE_FORMAT_DATAMATRIX: return "DataMatrix";
    case MAR_BARCODE_FORMAT_EAN8: return "EAN-8";
    case MAR_BARCODE_FORMAT_EAN13: return "EAN-13";
    case MAR_BARCODE_FORMAT_ITF: return "ITF";
    case MAR_BARCODE_FORMAT_MAXICODE: return "MaxiCode";
    case MAR_BARCODE_FORMAT_PDF417: return "PDF417";
    case MAR_BARCODE_FORMAT_QRCODE: return "QRCode";
    case MAR_BARCODE_FORMAT_UPCA: return "UPC-A";
    case MAR_BARCODE_FORMAT_UPCE: return "UPC-E";
    case MAR_BARCODE_FORMAT_MICRO_QRCODE: return "MicroQRCode";
    case MAR_BARCODE_FORMAT_NONE:
    default:
      return "None";
    }
}

/* zxing-cpp reports DMRE symbols (ISO/IEC 21471) with modifiers 7 and 8,
 * which ISO/IEC 16022 Table 10 does not define; their meaning is that of 1
 * (ECC 200) and 2 (FNC1 in first position: GS1). Checked with zint-made
 * 8×48 symbols and zxing's own expected results (datamatrix-4, .result.txt files). */
static char *
fold_aim_identifier (const char *si)
{
  if (g_strcmp0 (si, "]d7") == 0)
    return g_strdup ("]d1");
  if (g_strcmp0 (si, "]d8") == 0)
    return g_strdup ("]d2");
  return g_strdup (si);
}

MarBarcode *
mar_barcode_new (MarBarcodeFormat   format,
                 MarContentType     content_type,
                 const char        *symbology_identifier,
                 const guint8      *bytes,
                 gsize              n_bytes,
                 const char        *text,
                 const MarPosition *position,
                 int                orientation,
                 gboolean           is_mirrored,
                 gboolean           has_eci)
{
  MarBarcode *barcode;

  g_return_val_if_fail (bytes != NULL || n_bytes == 0, NULL);

  barcode = g_new0 (MarBarcode, 1);
  g_atomic_ref_count_init (&barcode->ref_count);
  barcode->format = format;
  barcode->content_type = content_type;
  barcode->symbology_identifier = g_strdup (symbology_identifier ? symbology_identifier : "");
  barcode->aim_identifier = fold_aim_identifier (barcode->symbology_identifier);
  barcode->bytes = g_malloc (n_bytes + 1);
  if (n_bytes > 0)
    memcpy (barcode->bytes, bytes, n_bytes);
  barcode->bytes[n_bytes] = '\0';
  barcode->n_bytes = n_bytes;
  barcode->text = g_utf8_make_valid (text ? text : "", -1);
  if (position != NULL)
    barcode->position = *position;
  barcode->orientation = orientation;
  barcode->is_mirrored = !!is_mirrored;
  barcode->has_eci = !!has_eci;
  return barcode;
}

MarBarcode *
mar_barcode_ref (MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, NULL);
  g_atomic_ref_count_inc (&barcode->ref_count);
  return barcode;
}

void
mar_barcode_unref (MarBarcode *barcode)
{
  g_return_if_fail (barcode != NULL);

  if (!g_atomic_ref_count_dec (&barcode->ref_count))
    return;

  g_free (barcode->symbology_identifier);
  g_free (barcode->aim_identifier);
  g_free (barcode->bytes);
  g_free (barcode->text);
  g_free (barcode);
}

G_DEFINE_BOXED_TYPE (MarBarcode, mar_barcode, mar_barcode_ref, mar_barcode_unref)

MarBarcodeFormat
mar_barcode_get_format (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, MAR_BARCODE_FORMAT_NONE);
  return barcode->format;
}

MarContentType
mar_barcode_get_content_type (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, MAR_CONTENT_TYPE_BINARY);
  return barcode->content_type;
}

gboolean
mar_barcode_is_gs1 (const MarBarcode *barcode)
{
  /* The AIM identifiers that mean "GS1 element string" (FNC1 in first
   * position; DataBar is GS1 by definition), per ISO/IEC 15424 and GS1
   * General Specifications 5.1.2. zxing 1.4 reports DataBar as plain text. */
  static const char * const gs1_identifiers[] = { "]C1", "]d2", "]Q3", "]e0", "]J1" };

  g_return_val_if_fail (barcode != NULL, FALSE);

  if (barcode->content_type == MAR_CONTENT_TYPE_GS1)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (gs1_identifiers); i++)
    if (strcmp (barcode->aim_identifier, gs1_identifiers[i]) == 0)
      return TRUE;
  return FALSE;
}

const guint8 *
mar_barcode_get_bytes (const MarBarcode *barcode,
                       gsize            *length)
{
  g_return_val_if_fail (barcode != NULL, NULL);

  if (length != NULL)
    *length = barcode->n_bytes;
  return barcode->bytes;
}

const char *
mar_barcode_get_text (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, NULL);
  return barcode->text;
}

const char *
mar_barcode_get_symbology_identifier (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, NULL);
  return barcode->symbology_identifier;
}

const char *
mar_barcode_get_aim_identifier (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, NULL);
  return barcode->aim_identifier;
}

char *
mar_barcode_dup_scan_data (const MarBarcode *barcode,
                           gsize            *length)
{
  gsize si_len;
  char *out;

  g_return_val_if_fail (barcode != NULL, NULL);

  si_len = strlen (barcode->aim_identifier);
  out = g_malloc (si_len + barcode->n_bytes + 1);
  memcpy (out, barcode->aim_identifier, si_len);
  memcpy (out + si_len, barcode->bytes, barcode->n_bytes);
  out[si_len + barcode->n_bytes] = '\0';
  if (length != NULL)
    *length = si_len + barcode->n_bytes;
  return out;
}

const char *
mar_barcode_get_symbology_name (const MarBarcode *barcode)
{
  gboolean gs1;

  g_return_val_if_fail (barcode != NULL, NULL);

  gs1 = mar_barcode_is_gs1 (barcode);
  switch (barcode->format)
    {
    case MAR_BARCODE_FORMAT_DATAMATRIX: return gs1 ? "GS1 DataMatrix" : "DataMatrix";
    case MAR_BARCODE_FORMAT_CODE128: return gs1 ? "GS1-128" : "Code 128";
    case MAR_BARCODE_FORMAT_QRCODE: return gs1 ? "GS1 QR Code" : "QR Code";
    case MAR_BARCODE_FORMAT_MICRO_QRCODE: return "Micro QR Code";
    case MAR_BARCODE_FORMAT_PDF417: return "PDF417";
    case MAR_BARCODE_FORMAT_DATABAR: return "GS1 DataBar";
    case MAR_BARCODE_FORMAT_DATABAR_EXPANDED: return "GS1 DataBar Expanded";
    case MAR_BARCODE_FORMAT_EAN8: return "EAN-8";
    case MAR_BARCODE_FORMAT_EAN13: return "EAN-13";
    case MAR_BARCODE_FORMAT_UPCA: return "UPC-A";
    case MAR_BARCODE_FORMAT_UPCE: return "UPC-E";
    case MAR_BARCODE_FORMAT_AZTEC: return "Aztec";
    case MAR_BARCODE_FORMAT_CODABAR: return "Codabar";
    case MAR_BARCODE_FORMAT_CODE39: return "Code 39";
    case MAR_BARCODE_FORMAT_CODE93: return "Code 93";
    case MAR_BARCODE_FORMAT_ITF: return "ITF";
    case MAR_BARCODE_FORMAT_MAXICODE: return "MaxiCode";
    case MAR_BARCODE_FORMAT_NONE:
    default:
      return "unknown";
    }
}

void
mar_barcode_get_position (const MarBarcode *barcode,
                          MarPosition      *position)
{
  g_return_if_fail (barcode != NULL);
  g_return_if_fail (position != NULL);
  *position = barcode->position;
}

int
mar_barcode_get_orientation (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, 0);
  return barcode->orientation;
}

gboolean
mar_barcode_is_mirrored (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, FALSE);
  return barcode->is_mirrored;
}

gboolean
mar_barcode_has_eci (const MarBarcode *barcode)
{
  g_return_val_if_fail (barcode != NULL, FALSE);
  return barcode->has_eci;
}

gboolean
mar_barcode_same_payload (const MarBarcode *a,
                          const MarBarcode *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->format == b->format &&
         strcmp (a->aim_identifier, b->aim_identifier) == 0 &&
         a->n_bytes == b->n_bytes &&
         memcmp (a->bytes, b->bytes, a->n_bytes) == 0;
}

/* Result lists */

MarBarcodes *
mar_barcodes_new (void)
{
  MarBarcodes *barcodes = g_new0 (MarBarcodes, 1);

  g_atomic_ref_count_init (&barcodes->ref_count);
  barcodes->items = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_barcode_unref);
  return barcodes;
}

void
mar_barcodes_take (MarBarcodes *barcodes,
                   MarBarcode  *barcode)
{
  g_return_if_fail (barcodes != NULL);
  g_return_if_fail (barcode != NULL);
  g_ptr_array_add (barcodes->items, barcode);
}

MarBarcodes *
mar_barcodes_ref (MarBarcodes *barcodes)
{
  g_return_val_if_fail (barcodes != NULL, NULL);
  g_atomic_ref_count_inc (&barcodes->ref_count);
  return barcodes;
}

void
mar_barcodes_unref (MarBarcodes *barcodes)
{
  g_return_if_fail (barcodes != NULL);

  if (!g_atomic_ref_count_dec (&barcodes->ref_count))
    return;

  g_ptr_array_unref (barcodes->items);
  g_free (barcodes);
}

G_DEFINE_BOXED_TYPE (MarBarcodes, mar_barcodes, mar_barcodes_ref, mar_barcodes_unref)

guint
mar_barcodes_get_size (const MarBarcodes *barcodes)
{
  g_return_val_if_fail (barcodes != NULL, 0);
  return barcodes->items->len;
}

MarBarcode *
mar_barcodes_get (const MarBarcodes *barcodes,
                  guint              index)
{
  g_return_val_if_fail (barcodes != NULL, NULL);
  g_return_val_if_fail (index < barcodes->items->len, NULL);
  return g_ptr_array_index (barcodes->items, index);
}
