/* mar-reader-private.h — the layout of image views and reader options
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For the zxing bridge and the worker protocol only: the public API keeps
 * these opaque, as ZXingC.h does.
 */

#pragma once

#include "mar-reader.h"

G_BEGIN_DECLS

struct _MarImageView
{
  const guint8   *data;
  MarImageFormat  format;
  int             width;
  int             height;
  /* Signed: a rotated view walks the buffer backwards, as zxing's does. */
  gssize          row_stride;
  gssize          pix_stride;
};

struct _MarReaderOptions
{
  MarBarcodeFormats formats;
  MarBinarizer      binarizer;
  guint8            max_number_of_symbols;
  guint8            min_line_count;
  guint             try_harder : 1;
  guint             try_rotate : 1;
  guint             try_downscale : 1;
  guint             is_pure : 1;
  guint             thorough : 1;
};

G_END_DECLS
