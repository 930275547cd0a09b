/* scan-test-image.c — small grey-image operations for the scan tests
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "scan-test-image"

#include "config.h"

#include <math.h>
#include <string.h>

#include "scan-test-image.h"

ScanTestImage *
scan_test_image_new (int    width,
                     int    height,
                     guint8 fill)
{
  ScanTestImage *image = g_new0 (ScanTestImage, 1);

  image->width = width;
  image->height = height;
  image->pixels = g_malloc ((gsize) width * height);
  memset (image->pixels, fill, (gsize) width * height);
  return image;
}

ScanTestImage *
scan_test_image_copy (const ScanTestImage *image)
{
  ScanTestImage *copy = scan_test_image_new (image->width, image->height, 0);

  memcpy (copy->pixels, image->pixels, (gsize) image->width * image->height);
  return copy;
}

void
scan_test_image_free (ScanTestImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

ScanTestImage *
scan_test_image_new_from_surface (cairo_surface_t *surface)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data;
  ScanTestImage *image;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  image = scan_test_image_new (w, h, 255);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (const void *) (data + (gsize) y * stride + (gsize) x * 4);
        guint r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

        image->pixels[(gsize) y * w + x] = (guint8) ((306 * r + 601 * g + 117 * b + 512) >> 10);
      }
  return image;
}

static inline guint8
at (const ScanTestImage *image,
    int                  x,
    int                  y)
{
  return image->pixels[(gsize) y * image->width + x];
}

/* Bilinear sample at (fx, fy), white outside the image. */
static guint8
sample (const ScanTestImage *image,
        double               fx,
        double               fy)
{
  int x0 = (int) floor (fx), y0 = (int) floor (fy);
  double ax = fx - x0, ay = fy - y0;
  double v[4];

  for (int i = 0; i < 4; i++)
    {
      int x = x0 + (i & 1), y = y0 + (i >> 1);

      v[i] = (x < 0 || y < 0 || x >= image->width || y >= image->height) ? 255.0 : at (image, x, y);
    }
  return (guint8) lround ((v[0] * (1 - ax) + v[1] * ax) * (1 - ay) + (v[2] * (1 - ax) + v[3] * ax) * ay);
}

ScanTestImage *
scan_test_image_pad (const ScanTestImage *image,
                     int                  margin)
{
  ScanTestImage *out = scan_test_image_new (image->width + 2 * margin, image->height + 2 * margin, 255);

  scan_test_image_paste (out, image, margin, margin);
  return out;
}

ScanTestImage *
scan_test_image_rotate (const ScanTestImage *image,
                        double               degrees)
{
  double a = degrees * G_PI / 180.0, c = cos (a), s = sin (a);
  int w = (int) ceil (fabs (image->width * c) + fabs (image->height * s));
  int h = (int) ceil (fabs (image->width * s) + fabs (image->height * c));
  double cx = image->width / 2.0, cy = image->height / 2.0;
  ScanTestImage *out = scan_test_image_new (w, h, 255);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        /* Inverse mapping: where in the source does this pixel come from. */
        double dx = x + 0.5 - w / 2.0, dy = y + 0.5 - h / 2.0;
        double sx = c * dx - s * dy + cx - 0.5;
        double sy = s * dx + c * dy + cy - 0.5;

        out->pixels[(gsize) y * w + x] = sample (image, sx, sy);
      }
  return out;
}

ScanTestImage *
scan_test_image_scale (const ScanTestImage *image,
                       double               factor)
{
  int w = MAX ((int) lround (image->width * factor), 1);
  int h = MAX ((int) lround (image->height * factor), 1);
  ScanTestImage *out = scan_test_image_new (w, h, 255);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        if (factor >= 1.0)
          {
            out->pixels[(gsize) y * w + x] = sample (image, (x + 0.5) / factor - 0.5, (y + 0.5) / factor - 0.5);
          }
        else
          {
            /* Average the source area this pixel covers, as a camera
             * sensor does, rather than pick one point of it. */
            int x0 = (int) floor (x / factor), x1 = MIN ((int) ceil ((x + 1) / factor), image->width);
            int y0 = (int) floor (y / factor), y1 = MIN ((int) ceil ((y + 1) / factor), image->height);
            guint sum = 0, n = 0;

            for (int yy = y0; yy < y1; yy++)
              for (int xx = x0; xx < x1; xx++, n++)
                sum += at (image, xx, yy);
            out->pixels[(gsize) y * w + x] = n ? (guint8) ((sum + n / 2) / n) : 255;
          }
      }
  return out;
}

static void
box_blur_pass (ScanTestImage *image,
               int            radius,
               gboolean       horizontal)
{
  int w = image->width, h = image->height;
  int n_lines = horizontal ? h : w, len = horizontal ? w : h;
  g_autofree guint8 *line = g_malloc (len);

  for (int l = 0; l < n_lines; l++)
    {
      guint sum = 0;

      for (int i = 0; i < len; i++)
        line[i] = horizontal ? at (image, i, l) : at (image, l, i);
      /* Edges repeat the border pixel. */
      for (int k = -radius; k <= radius; k++)
        sum += line[CLAMP (k, 0, len - 1)];
      for (int i = 0; i < len; i++)
        {
          guint8 v = (guint8) ((sum + radius) / (2 * radius + 1));

          if (horizontal)
            image->pixels[(gsize) l * w + i] = v;
          else
            image->pixels[(gsize) i * w + l] = v;
          sum += line[MIN (i + radius + 1, len - 1)];
          sum -= line[MAX (i - radius, 0)];
        }
    }
}

void
scan_test_image_blur (ScanTestImage *image,
                      int            radius)
{
  if (radius <= 0)
    return;
  for (int pass = 0; pass < 3; pass++)
    {
      box_blur_pass (image, radius, TRUE);
      box_blur_pass (image, radius, FALSE);
    }
}

void
scan_test_image_add_noise (ScanTestImage *image,
                           double         sigma,
                           guint32        seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gsize n = (gsize) image->width * image->height;

  for (gsize i = 0; i < n; i++)
    {
      /* Box–Muller. */
      double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
      double z = sqrt (-2.0 * log (u1)) * cos (2 * G_PI * u2);

      image->pixels[i] = (guint8) CLAMP (lround (image->pixels[i] + z * sigma), 0, 255);
    }
}

void
scan_test_image_set_contrast (ScanTestImage *image,
                              guint8         dark,
                              guint8         light)
{
  gsize n = (gsize) image->width * image->height;

  for (gsize i = 0; i < n; i++)
    image->pixels[i] = (guint8) (dark + (image->pixels[i] * (light - dark) + 127) / 255);
}

ScanTestImage *
scan_test_image_perspective (const ScanTestImage *image,
                             double               top_scale,
                             double               shear)
{
  int w = image->width, h = image->height;
  ScanTestImage *out = scan_test_image_new (w, h, 255);
  /* Where the source's corners land: the top edge shrunk about the centre
   * and shifted sideways, the bottom edge in place (a card tilted back). */
  double inset = w * (1.0 - top_scale) / 2.0, shift = shear * h;
  double qx[4] = { inset + shift, w - inset + shift, w, 0 };
  double qy[4] = { 0, 0, h, h };
  double sx = qx[0] - qx[1] + qx[2] - qx[3], sy = qy[0] - qy[1] + qy[2] - qy[3];
  double a, b, c, d, e, f, g = 0, hh = 0;
  double m[9], inv[9], det;

  /* The projective map from the unit square to that quadrilateral
   * (Heckbert, "Fundamentals of Texture Mapping", 1989, 2.2.3). */
  if (fabs (sx) > 1e-9 || fabs (sy) > 1e-9)
    {
      double dx1 = qx[1] - qx[2], dx2 = qx[3] - qx[2], dy1 = qy[1] - qy[2], dy2 = qy[3] - qy[2];
      double den = dx1 * dy2 - dx2 * dy1;

      g = (sx * dy2 - dx2 * sy) / den;
      hh = (dx1 * sy - sx * dy1) / den;
    }
  a = qx[1] - qx[0] + g * qx[1];
  b = qx[3] - qx[0] + hh * qx[3];
  c = qx[0];
  d = qy[1] - qy[0] + g * qy[1];
  e = qy[3] - qy[0] + hh * qy[3];
  f = qy[0];

  m[0] = a, m[1] = b, m[2] = c, m[3] = d, m[4] = e, m[5] = f, m[6] = g, m[7] = hh, m[8] = 1;
  inv[0] = m[4] * m[8] - m[5] * m[7];
  inv[1] = m[2] * m[7] - m[1] * m[8];
  inv[2] = m[1] * m[5] - m[2] * m[4];
  inv[3] = m[5] * m[6] - m[3] * m[8];
  inv[4] = m[0] * m[8] - m[2] * m[6];
  inv[5] = m[2] * m[3] - m[0] * m[5];
  inv[6] = m[3] * m[7] - m[4] * m[6];
  inv[7] = m[1] * m[6] - m[0] * m[7];
  inv[8] = m[0] * m[4] - m[1] * m[3];
  det = m[0] * inv[0] + m[1] * inv[3] + m[2] * inv[6];
  g_assert_cmpfloat (fabs (det), >, 1e-12);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double px = x + 0.5, py = y + 0.5;
        double u = inv[0] * px + inv[1] * py + inv[2];
        double v = inv[3] * px + inv[4] * py + inv[5];
        double q = inv[6] * px + inv[7] * py + inv[8];

        u /= q;
        v /= q;
        out->pixels[(gsize) y * w + x] = (u < 0 || u > 1 || v < 0 || v > 1)
                                         ? 255 : sample (image, u * w - 0.5, v * h - 0.5);
      }
  return out;
}

void
scan_test_image_paste (ScanTestImage       *canvas,
                       const ScanTestImage *image,
                       int                  x,
                       int                  y)
{
  for (int row = 0; row < image->height; row++)
    {
      int cy = y + row;
      int x0 = MAX (x, 0), x1 = MIN (x + image->width, canvas->width);

      if (cy < 0 || cy >= canvas->height || x0 >= x1)
        continue;
      memcpy (canvas->pixels + (gsize) cy * canvas->width + x0,
              image->pixels + (gsize) row * image->width + (x0 - x),
              (gsize) (x1 - x0));
    }
}

ScanTestImage *
scan_test_image_new_background (int     width,
                                int     height,
                                guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  ScanTestImage *image = scan_test_image_new (width, height, 0);
  double gx = g_rand_double_range (rand, -60, 60), gy = g_rand_double_range (rand, -40, 40);
  double base = g_rand_double_range (rand, 90, 150);
  double fx = g_rand_double_range (rand, 0.005, 0.03), fy = g_rand_double_range (rand, 0.005, 0.03);

  /* A desk or bed sheet under uneven light: a gradient and a soft weave. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        double v = base + gx * x / width + gy * y / height + 12 * sin (x * fx) * cos (y * fy);

        image->pixels[(gsize) y * width + x] = (guint8) CLAMP (lround (v), 0, 255);
      }
  scan_test_image_add_noise (image, 4.0, seed ^ 0x5a5a5a5a);
  return image;
}

gboolean
scan_test_image_save_png (const ScanTestImage *image,
                          const char          *path)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, image->width, image->height);
  int stride = cairo_image_surface_get_stride (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  cairo_status_t status;

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint32 v = at (image, x, y);

        *(guint32 *) (void *) (data + (gsize) y * stride + (gsize) x * 4) = (v << 16) | (v << 8) | v;
      }
  cairo_surface_mark_dirty (surface);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  return status == CAIRO_STATUS_SUCCESS;
}
