/* mar-reader-image.h — grey-image operations behind thorough reading
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internal to the reader (mar-zxing-bridge.cpp): what zxing-cpp 1.4 does
 * not do for itself, on packed 8-bit luminance. Pure functions, no zxing.
 */

#pragma once

#include "mar-reader.h"

G_BEGIN_DECLS

typedef struct
{
  int     width;
  int     height;
  guint8 *pixels;       /* width × height bytes, packed */
} MarLumImage;

/* How points of a turned copy map back onto the image it was made from. */
typedef struct
{
  double cos_a, sin_a;
  double src_cx, src_cy;
  double dst_cx, dst_cy;
} MarTurn;

/* A rectangle of the image, in pixels. */
typedef struct
{
  int x, y, width, height;
} MarRect;

MarLumImage *mar_lum_image_new            (int                  width,
                                           int                  height);
MarLumImage *mar_lum_image_new_from_view  (const MarImageView  *view);
MarLumImage *mar_lum_image_copy           (const MarLumImage   *image);
void         mar_lum_image_free           (MarLumImage         *image);

/* Each pixel the mean of a @factor × @factor block. */
MarLumImage *mar_lum_image_downscale      (const MarLumImage   *image,
                                           int                  factor);
/* Twice the size, bilinear. */
MarLumImage *mar_lum_image_upscale2       (const MarLumImage   *image);
/* Turned by @degrees about the centre onto a canvas that holds it all,
 * white around, bilinear; @turn says how to map points back. */
MarLumImage *mar_lum_image_turn           (const MarLumImage   *image,
                                           double               degrees,
                                           MarTurn             *turn);
void         mar_turn_map_point           (const MarTurn       *turn,
                                           double               x,
                                           double               y,
                                           double              *out_x,
                                           double              *out_y);
/* The image plus its difference from a Gaussian-blurred copy of standard
 * deviation @sigma pixels: an unsharp mask of amount 1. */
MarLumImage *mar_lum_image_unsharp        (const MarLumImage   *image,
                                           double               sigma);
/* Black or white by a local threshold: the midpoint of the darkest and
 * lightest pixel around (80 px); white where there is no contrast. Only
 * every @row_step-th row is kept (1 for all). */
MarLumImage *mar_lum_image_binarize_local (const MarLumImage  *image,
                                           int                 row_step);
/* TRUE if the image shows the many parallel edges of a linear bar code;
 * @angle receives their direction folded into [0°, 90°). */
gboolean     mar_lum_image_find_bars      (const MarLumImage   *image,
                                           double              *angle);
/* Crops, most promising first, each centred on a compact patch dense with
 * edges, as a DataMatrix symbol is (GArray of MarRect). */
GArray      *mar_lum_image_find_patches   (const MarLumImage   *image,
                                           guint                max_patches);
/* Paints white over a found linear symbol (its corners @quad), with a
 * margin across the bars, so that it is not found again. */
void         mar_lum_image_paint_out      (MarLumImage         *image,
                                           const MarPoint       quad[4]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MarLumImage, mar_lum_image_free)

G_END_DECLS
