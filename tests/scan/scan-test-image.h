/* scan-test-image.h — small grey-image operations for the scan tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The distortions a label meets in front of a webcam — rotation, scale,
 * blur, sensor noise, poor lighting, a tilted card — made in C, so the
 * tests need no external tool. Deterministic: noise comes from a seed.
 */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int     width;
  int     height;
  guint8 *pixels;     /* packed, width × height bytes */
} ScanTestImage;

ScanTestImage *scan_test_image_new             (int                  width,
                                                int                  height,
                                                guint8               fill);
ScanTestImage *scan_test_image_copy            (const ScanTestImage *image);
void           scan_test_image_free            (ScanTestImage       *image);
/* From an RGB24/ARGB32 cairo image surface. */
ScanTestImage *scan_test_image_new_from_surface (cairo_surface_t    *surface);
/* A white border of @margin pixels. */
ScanTestImage *scan_test_image_pad             (const ScanTestImage *image,
                                                int                  margin);
/* Rotated by @degrees (counter-clockwise) about the centre onto a canvas
 * large enough to hold it, white outside; bilinear. */
ScanTestImage *scan_test_image_rotate          (const ScanTestImage *image,
                                                double               degrees);
/* Scaled by @factor; area-averaged when shrinking, bilinear when growing. */
ScanTestImage *scan_test_image_scale           (const ScanTestImage *image,
                                                double               factor);
/* Three box-blur passes of @radius (close to a Gaussian, sigma ≈ radius). */
void           scan_test_image_blur            (ScanTestImage       *image,
                                                int                  radius);
/* Adds Gaussian noise of standard deviation @sigma grey levels. */
void           scan_test_image_add_noise       (ScanTestImage       *image,
                                                double               sigma,
                                                guint32              seed);
/* Maps black to @dark and white to @light. */
void           scan_test_image_set_contrast    (ScanTestImage       *image,
                                                guint8               dark,
                                                guint8               light);
/* A perspective view: the top edge shrunk to @top_scale of its width
 * (a card tilted away from the camera), and the whole sheared by @shear. */
ScanTestImage *scan_test_image_perspective     (const ScanTestImage *image,
                                                double               top_scale,
                                                double               shear);
/* Draws @image into @canvas at (@x, @y), clipped. */
void           scan_test_image_paste           (ScanTestImage       *canvas,
                                                const ScanTestImage *image,
                                                int                  x,
                                                int                  y);
/* A photo-like background: a lighting gradient, soft texture and noise. */
ScanTestImage *scan_test_image_new_background  (int                  width,
                                                int                  height,
                                                guint32              seed);
gboolean       scan_test_image_save_png        (const ScanTestImage *image,
                                                const char          *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScanTestImage, scan_test_image_free)

G_END_DECLS
