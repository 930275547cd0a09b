/* fuzz-decode-image.c — the in-process reader on small raw frames
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the decoder worker runs on every camera frame: mar_read_barcodes()
 * over zxing-cpp. The first bytes choose size, layout and options; the
 * rest are pixels. A crash here is one the worker would have to contain.
 */

#include "config.h"

#include <string.h>

#include "mar-zxing-bridge.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static const MarImageFormat formats[] = {
  MAR_IMAGE_FORMAT_LUM, MAR_IMAGE_FORMAT_RGB, MAR_IMAGE_FORMAT_BGR,
  MAR_IMAGE_FORMAT_RGBA, MAR_IMAGE_FORMAT_ARGB, MAR_IMAGE_FORMAT_BGRA, MAR_IMAGE_FORMAT_ABGR,
};

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(MarReaderOptions) options = NULL;
  g_autoptr(MarImageView) view = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autoptr(GError) error = NULL;
  int width, height, row_pad, rotate;
  MarImageFormat format;
  guint8 flags;

  if (size < 6)
    return 0;

  /* 1–96 × 1–96 pixels: big enough for a small symbol, small enough to
   * run thousands of times a second. */
  width = 1 + data[0] % 96;
  height = 1 + data[1] % 96;
  format = formats[data[2] % G_N_ELEMENTS (formats)];
  row_pad = data[3] % 8;
  flags = data[4];
  rotate = 90 * (data[5] % 4);
  data += 6;
  size -= 6;

  options = mar_reader_options_new ();
  mar_reader_options_set_try_harder (options, flags & 1);
  mar_reader_options_set_try_rotate (options, flags & 2);
  mar_reader_options_set_is_pure (options, flags & 4);
  mar_reader_options_set_thorough (options, flags & 8);
  mar_reader_options_set_binarizer (options, (MarBinarizer) ((flags >> 4) & 3));
  if (flags & 64)
    mar_reader_options_set_formats (options, MAR_BARCODE_FORMATS_ALL);

  /* The view must fit the bytes; a misfit is refused with an error. */
  view = mar_image_view_new_checked (data, size, width, height, format,
                                     width * mar_image_format_get_bytes_per_pixel (format) + row_pad, 0,
                                     &error);
  if (view == NULL)
    return 0;
  mar_image_view_rotate (view, rotate);

  barcodes = mar_read_barcodes (view, options, &error);
  for (guint i = 0; barcodes != NULL && i < mar_barcodes_get_size (barcodes); i++)
    {
      g_autofree char *scan = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, i), NULL);

      g_assert (scan != NULL);
      g_assert (g_utf8_validate (mar_barcode_get_text (mar_barcodes_get (barcodes, i)), -1, NULL));
    }
  return 0;
}
