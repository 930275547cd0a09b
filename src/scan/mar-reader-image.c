/* mar-reader-image.c — grey-image operations behind thorough reading
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-reader"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mar-reader-image.h"

MarLumImage *
mar_lum_image_new (int width,
                   int height)
{
  MarLumImage *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  image = g_new0 (MarLumImage, 1);
  image->width = width;
  image->height = height;
  image->pixels = g_malloc0 ((gsize) width * height);
  return image;
}

MarLumImage *
mar_lum_image_new_from_view (const MarImageView *view)
{
  MarLumImage *image = mar_lum_image_new (mar_image_view_get_width (view), mar_image_view_get_height (view));

  mar_image_view_copy_luminance (view, image->pixels);
  return image;
}

MarLumImage *
mar_lum_image_copy (const MarLumImage *image)
{
  MarLumImage *copy = mar_lum_image_new (image->width, image->height);

  memcpy (copy->pixels, image->pixels, (gsize) image->width * image->height);
  return copy;
}

void
mar_lum_image_free (MarLumImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

static inline guint8
at (const MarLumImage *image,
    int                x,
    int                y)
{
  return image->pixels[(gsize) y * image->width + x];
}

MarLumImage *
mar_lum_image_downscale (const MarLumImage *image,
                         int                factor)
{
  int w = image->width / factor, h = image->height / factor;
  MarLumImage *out;

  g_return_val_if_fail (factor >= 1 && w > 0 && h > 0, NULL);

  out = mar_lum_image_new (w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint sum = 0;

        for (int yy = 0; yy < factor; yy++)
          for (int xx = 0; xx < factor; xx++)
            sum += at (image, x * factor + xx, y * factor + yy);
        out->pixels[(gsize) y * w + x] = (guint8) ((sum + factor * factor / 2) / (factor * factor));
      }
  return out;
}

/* Bilinear, in 8-bit fixed point; white outside the image. */
static inline guint8
sample (const MarLumImage *image,
        double             sx,
        double             sy)
{
  int x0 = (int) floor (sx), y0 = (int) floor (sy);
  int fx = (int) ((sx - x0) * 256), fy = (int) ((sy - y0) * 256);
  int v[4];

  for (int i = 0; i < 4; i++)
    {
      int px = x0 + (i & 1), py = y0 + (i >> 1);

      v[i] = (px < 0 || py < 0 || px >= image->width || py >= image->height) ? 255 : at (image, px, py);
    }
  return (guint8) ((((v[0] * (256 - fx) + v[1] * fx) * (256 - fy)) +
                    ((v[2] * (256 - fx) + v[3] * fx) * fy) + (1 << 15)) >> 16);
}

MarLumImage *
mar_lum_image_upscale2 (const MarLumImage *image)
{
  MarLumImage *out = mar_lum_image_new (image->width * 2, image->height * 2);

  for (int y = 0; y < out->height; y++)
    {
      double sy = CLAMP ((y + 0.5) / 2.0 - 0.5, 0.0, image->height - 1.0);

      for (int x = 0; x < out->width; x++)
        {
          double sx = CLAMP ((x + 0.5) / 2.0 - 0.5, 0.0, image->width - 1.0);

          out->pixels[(gsize) y * out->width + x] = sample (image, sx, sy);
        }
    }
  return out;
}

void
mar_turn_map_point (const MarTurn *turn,
                    double         x,
                    double         y,
                    double        *out_x,
                    double        *out_y)
{
  double dx = x + 0.5 - turn->dst_cx, dy = y + 0.5 - turn->dst_cy;

  *out_x = turn->cos_a * dx - turn->sin_a * dy + turn->src_cx - 0.5;
  *out_y = turn->sin_a * dx + turn->cos_a * dy + turn->src_cy - 0.5;
}

MarLumImage *
mar_lum_image_turn (const MarLumImage *image,
                    double             degrees,
                    MarTurn           *turn)
{
  double a = degrees * G_PI / 180.0;
  int w = image->width, h = image->height;
  /* Less a hair: cos 90° is 6e-17, not 0, and must not add a pixel. */
  int rw = (int) ceil (fabs (w * cos (a)) + fabs (h * sin (a)) - 1e-6);
  int rh = (int) ceil (fabs (w * sin (a)) + fabs (h * cos (a)) - 1e-6);
  MarLumImage *out = mar_lum_image_new (MAX (rw, 1), MAX (rh, 1));

  turn->cos_a = cos (a);
  turn->sin_a = sin (a);
  turn->src_cx = w / 2.0;
  turn->src_cy = h / 2.0;
  turn->dst_cx = out->width / 2.0;
  turn->dst_cy = out->height / 2.0;

  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        double sx, sy;

        mar_turn_map_point (turn, x, y, &sx, &sy);
        out->pixels[(gsize) y * out->width + x] = sample (image, sx, sy);
      }
  return out;
}

/* A separable Gaussian blur of standard deviation @sigma, in 16-bit fixed
 * point, the border pixels repeated. */
static MarLumImage *
gaussian (const MarLumImage *image,
          double             sigma)
{
  int r = MAX (1, (int) ceil (3 * sigma));
  int w = image->width, h = image->height;
  g_autofree int *kernel = g_new (int, 2 * r + 1);
  g_autofree guint16 *tmp = g_new (guint16, (gsize) w * h);
  MarLumImage *out = mar_lum_image_new (w, h);
  double total = 0;
  int sum = 0;

  for (int k = -r; k <= r; k++)
    total += exp (-(k * k) / (2 * sigma * sigma));
  for (int k = -r; k <= r; k++)
    sum += kernel[k + r] = (int) lround (65536 * exp (-(k * k) / (2 * sigma * sigma)) / total);
  kernel[r] += 65536 - sum;     /* the weights add up to exactly one */

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gint64 acc = 0;

        for (int k = -r; k <= r; k++)
          acc += (gint64) kernel[k + r] * image->pixels[(gsize) y * w + CLAMP (x + k, 0, w - 1)];
        tmp[(gsize) y * w + x] = (guint16) ((acc + 128) >> 8);      /* 8.8 fixed point */
      }
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        gint64 acc = 0;

        for (int k = -r; k <= r; k++)
          acc += (gint64) kernel[k + r] * tmp[(gsize) CLAMP (y + k, 0, h - 1) * w + x];
        out->pixels[(gsize) y * w + x] = (guint8) CLAMP ((acc + (1 << 23)) >> 24, 0, 255);
      }
  return out;
}

MarLumImage *
mar_lum_image_unsharp (const MarLumImage *image,
                       double             sigma)
{
  g_autoptr(MarLumImage) soft = gaussian (image, sigma);
  MarLumImage *out = mar_lum_image_new (image->width, image->height);
  gsize n = (gsize) image->width * image->height;

  for (gsize i = 0; i < n; i++)
    out->pixels[i] = (guint8) CLAMP (2 * image->pixels[i] - soft->pixels[i], 0, 255);
  return out;
}

/* Bars are many strong, parallel edges: in a cell of a bar code the image
 * gradient points one way (a coherent structure tensor), and neighbouring
 * cells agree. Text and matrix symbols have edges every which way. It is
 * judged on a copy about BAR_WORK_SIDE pixels across, where big bars are a
 * few pixels wide (several edges per cell, as bars have) and a matrix
 * symbol's modules shrink into edges that run every which way. */
#define BAR_CELL      12
#define BAR_WORK_SIDE 700

gboolean
mar_lum_image_find_bars (const MarLumImage *full,
                         double            *angle)
{
  int f = MAX (1, (MAX (full->width, full->height) + BAR_WORK_SIDE / 2) / BAR_WORK_SIDE);
  g_autoptr(MarLumImage) image = NULL;
  g_autofree double *cell_angle = NULL;
  g_autofree guint8 *seen = NULL;
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));
  int w, h, gw, gh;
  gsize best_size = 0;
  double best_sin = 0, best_cos = 0;

  *angle = -1;
  if (full->width / f < 2 * BAR_CELL || full->height / f < 2 * BAR_CELL)
    return FALSE;

  image = f > 1 ? mar_lum_image_downscale (full, f) : mar_lum_image_copy (full);
  w = image->width;
  h = image->height;
  gw = w / BAR_CELL;
  gh = h / BAR_CELL;
  cell_angle = g_new (double, (gsize) gw * gh);
  seen = g_new0 (guint8, (gsize) gw * gh);

  for (int cy = 0; cy < gh; cy++)
    for (int cx = 0; cx < gw; cx++)
      {
        double jxx = 0, jyy = 0, jxy = 0, energy, coherence;
        int n = 0, edges = 0;

        cell_angle[cy * gw + cx] = -1;
        for (int y = MAX (cy * BAR_CELL, 1); y < MIN ((cy + 1) * BAR_CELL, h - 1); y++)
          for (int x = MAX (cx * BAR_CELL, 1); x < MIN ((cx + 1) * BAR_CELL, w - 1); x++, n++)
            {
              const guint8 *p = image->pixels + (gsize) y * w + x;
              double gx = p[1] - p[-1], gy = p[w] - p[-w];

              jxx += gx * gx;
              jyy += gy * gy;
              jxy += gx * gy;
              edges += fabs (gx) + fabs (gy) > 30;
            }
        if (n == 0)
          continue;
        energy = (jxx + jyy) / n;
        coherence = energy > 0 ? sqrt ((jxx - jyy) * (jxx - jyy) + 4 * jxy * jxy) / (jxx + jyy) : 0;
        /* Edges on a third of the cell (several bars, not one border), a
         * mean squared gradient above 150, and gradients within about
         * ±20° of one direction. */
        if (edges * 3 >= n && energy > 150 && coherence > 0.75)
          {
            double deg = 0.5 * atan2 (2 * jxy, jxx - jyy) * 180.0 / G_PI;

            cell_angle[cy * gw + cx] = fmod (deg + 180.0, 180.0);
          }
      }

  /* Groups of neighbouring cells that agree on the direction (±12°). */
  for (int start = 0; start < gw * gh; start++)
    {
      gsize size = 0;
      double sum_sin = 0, sum_cos = 0;

      if (cell_angle[start] < 0 || seen[start])
        continue;
      seen[start] = 1;
      g_array_append_val (stack, start);
      while (stack->len > 0)
        {
          int c = g_array_index (stack, int, stack->len - 1), cx = c % gw, cy = c / gw;
          double a = cell_angle[c];

          g_array_set_size (stack, stack->len - 1);
          size++;
          /* Averaged on the doubled angle: 179° and 1° are neighbours. */
          sum_sin += sin (2 * a * G_PI / 180.0);
          sum_cos += cos (2 * a * G_PI / 180.0);
          for (int d = 0; d < 4; d++)
            {
              int nx = cx + (d == 0) - (d == 1), ny = cy + (d == 2) - (d == 3);
              int nc = ny * gw + nx;
              double diff;

              if (nx < 0 || ny < 0 || nx >= gw || ny >= gh || seen[nc] || cell_angle[nc] < 0)
                continue;
              diff = fabs (cell_angle[nc] - a);
              if (MIN (diff, 180.0 - diff) > 12.0)
                continue;
              seen[nc] = 1;
              g_array_append_val (stack, nc);
            }
        }
      if (size > best_size)
        {
          best_size = size;
          best_sin = sum_sin;
          best_cos = sum_cos;
        }
    }

  /* Six cells: even a short symbol far away covers that. */
  if (best_size < 6)
    return FALSE;
  *angle = fmod (atan2 (best_sin, best_cos) * 90.0 / G_PI + 180.0, 90.0);
  return TRUE;
}

/* Patches of cells dense with strong edges (a cell is BLOB_CELL pixels). */
#define BLOB_CELL 16

typedef struct
{
  int    x0, y0, x1, y1;      /* in cells, inclusive */
  int    cells;
  double score;
} Patch;

static int
compare_patches (gconstpointer a,
                 gconstpointer b)
{
  double sa = ((const Patch *) a)->score, sb = ((const Patch *) b)->score;

  return (sa < sb) - (sa > sb);
}

GArray *
mar_lum_image_find_patches (const MarLumImage *image,
                            guint              max_patches)
{
  int w = image->width, h = image->height;
  int gw = w / BLOB_CELL, gh = h / BLOB_CELL;
  g_autofree guint8 *busy = NULL;
  g_autofree guint8 *done = NULL;
  g_autoptr(GArray) patches = g_array_new (FALSE, FALSE, sizeof (Patch));
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));
  GArray *crops = g_array_new (FALSE, FALSE, sizeof (MarRect));

  if (gw < 2 || gh < 2)
    return crops;

  busy = g_new0 (guint8, (gsize) gw * gh);
  done = g_new0 (guint8, (gsize) gw * gh);

  /* A cell is busy when a fifth of its pixels sit on a strong edge. */
  for (int cy = 0; cy < gh; cy++)
    for (int cx = 0; cx < gw; cx++)
      {
        int edges = 0, n = 0;

        for (int y = cy * BLOB_CELL + 1; y < (cy + 1) * BLOB_CELL - 1 && y < h - 1; y += 2)
          for (int x = cx * BLOB_CELL + 1; x < (cx + 1) * BLOB_CELL - 1 && x < w - 1; x += 2, n++)
            {
              const guint8 *p = image->pixels + (gsize) y * w + x;

              edges += abs (p[1] - p[-1]) + abs (p[w] - p[-w]) > 60;
            }
        busy[cy * gw + cx] = n > 0 && edges * 5 >= n;
      }

  /* Connected patches of busy cells (4-neighbours). */
  for (int start = 0; start < gw * gh; start++)
    {
      Patch p;
      int pw, ph;

      if (!busy[start] || done[start])
        continue;
      p = (Patch) { start % gw, start / gw, start % gw, start / gw, 0, 0 };
      done[start] = 1;
      g_array_append_val (stack, start);
      while (stack->len > 0)
        {
          int c = g_array_index (stack, int, stack->len - 1), cx = c % gw, cy = c / gw;

          g_array_set_size (stack, stack->len - 1);
          p.cells++;
          p.x0 = MIN (p.x0, cx); p.x1 = MAX (p.x1, cx);
          p.y0 = MIN (p.y0, cy); p.y1 = MAX (p.y1, cy);
          for (int d = 0; d < 4; d++)
            {
              int nx = cx + (d == 0) - (d == 1), ny = cy + (d == 2) - (d == 3);
              int nc = ny * gw + nx;

              if (nx < 0 || ny < 0 || nx >= gw || ny >= gh || !busy[nc] || done[nc])
                continue;
              done[nc] = 1;
              g_array_append_val (stack, nc);
            }
        }

      /* Could it be a symbol: 2 × 2 cells at least, not a long strip (a
       * text line, a bar code), filled rather than sparse, not the whole
       * picture. */
      pw = p.x1 - p.x0 + 1;
      ph = p.y1 - p.y0 + 1;
      if (pw < 2 || ph < 2 || pw > 3 * ph || ph > 3 * pw || p.cells * 3 < pw * ph)
        continue;
      if (pw > gw * 3 / 4 && ph > gh * 3 / 4)
        continue;
      /* Most square and largest first. */
      p.score = (double) MIN (pw, ph) / MAX (pw, ph) * p.cells;
      g_array_append_val (patches, p);
    }

  g_array_sort (patches, compare_patches);
  for (guint i = 0; i < patches->len && crops->len < max_patches; i++)
    {
      const Patch *p = &g_array_index (patches, Patch, i);
      /* A crop twice the patch's size, centred on it, shrunk evenly at
       * the image's edge so the patch stays in the middle: zxing looks
       * along the crop's centre lines. */
      int cx = (p->x0 + p->x1 + 1) * BLOB_CELL / 2, cy = (p->y0 + p->y1 + 1) * BLOB_CELL / 2;
      int half = MAX (p->x1 - p->x0 + 1, p->y1 - p->y0 + 1) * BLOB_CELL;
      int hx = MIN (half, MIN (cx, w - cx)), hy = MIN (half, MIN (cy, h - cy));
      MarRect r = { cx - hx, cy - hy, 2 * hx, 2 * hy };

      if (r.width >= 16 && r.height >= 16)
        g_array_append_val (crops, r);
    }
  return crops;
}

void
mar_lum_image_paint_out (MarLumImage    *image,
                         const MarPoint  quad[4])
{
  double cx = 0, cy = 0, ux, uy, len, hu = 0, hn = 0;
  int x0, y0, x1, y1;

  for (int i = 0; i < 4; i++)
    {
      cx += quad[i].x / 4.0;
      cy += quad[i].y / 4.0;
    }
  /* Along the symbol: from the left corners to the right ones. */
  ux = (quad[1].x + quad[2].x) - (quad[0].x + quad[3].x);
  uy = (quad[1].y + quad[2].y) - (quad[0].y + quad[3].y);
  len = sqrt (ux * ux + uy * uy);
  if (len < 1)
    {
      ux = 1;
      uy = 0;
    }
  else
    {
      ux /= len;
      uy /= len;
    }

  for (int i = 0; i < 4; i++)
    {
      double dx = quad[i].x - cx, dy = quad[i].y - cy;

      hu = MAX (hu, fabs (dx * ux + dy * uy));
      hn = MAX (hn, fabs (-dx * uy + dy * ux));
    }
  /* zxing places a linear symbol's corners on the scan lines that read it,
   * not on the ends of the bars: paint well past them across the bars. */
  hn += MAX (hu * 0.6, 15);
  hu += hu * 0.08 + 8;

  x0 = (int) MAX (floor (cx - hu - hn), 0);
  x1 = (int) MIN (ceil (cx + hu + hn), image->width - 1);
  y0 = (int) MAX (floor (cy - hu - hn), 0);
  y1 = (int) MIN (ceil (cy + hu + hn), image->height - 1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double dx = x - cx, dy = y - cy;

        if (fabs (dx * ux + dy * uy) <= hu && fabs (-dx * uy + dy * ux) <= hn)
          image->pixels[(gsize) y * image->width + x] = 255;
      }
}

/* Bernsen's local threshold on blocks: the midpoint between the darkest
 * and the lightest pixel in the 5 × 5 blocks of 16 px around a block.
 * Where that range is small the block is background (or all white): it
 * stays white. A bar code's own black and white set its threshold, what
 * ever the background and however dim the light. */
#define INK_BLOCK   16
#define INK_REACH   2
#define INK_RANGE   24

MarLumImage *
mar_lum_image_binarize_local (const MarLumImage *image,
                              int                row_step)
{
  int w = image->width, h = image->height;
  int bw = (w + INK_BLOCK - 1) / INK_BLOCK, bh = (h + INK_BLOCK - 1) / INK_BLOCK;
  g_autofree guint8 *bmin = g_new (guint8, (gsize) bw * bh);
  g_autofree guint8 *bmax = g_new (guint8, (gsize) bw * bh);
  MarLumImage *out;

  g_return_val_if_fail (row_step >= 1 && h / row_step >= 1, NULL);
  out = mar_lum_image_new (w, h / row_step);

  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        guint8 lo = 255, hi = 0;

        for (int y = by * INK_BLOCK; y < MIN ((by + 1) * INK_BLOCK, h); y++)
          for (int x = bx * INK_BLOCK; x < MIN ((bx + 1) * INK_BLOCK, w); x++)
            {
              guint8 p = image->pixels[(gsize) y * w + x];

              lo = MIN (lo, p);
              hi = MAX (hi, p);
            }
        bmin[by * bw + bx] = lo;
        bmax[by * bw + bx] = hi;
      }

  for (int by = 0; by < bh; by++)
    for (int bx = 0; bx < bw; bx++)
      {
        guint8 lo = 255, hi = 0;
        int threshold;

        for (int ny = MAX (by - INK_REACH, 0); ny <= MIN (by + INK_REACH, bh - 1); ny++)
          for (int nx = MAX (bx - INK_REACH, 0); nx <= MIN (bx + INK_REACH, bw - 1); nx++)
            {
              lo = MIN (lo, bmin[ny * bw + nx]);
              hi = MAX (hi, bmax[ny * bw + nx]);
            }
        threshold = hi - lo < INK_RANGE ? -1 : (lo + hi) / 2;
        for (int y = by * INK_BLOCK; y < MIN ((by + 1) * INK_BLOCK, h); y++)
          {
            if (y % row_step != 0 || y / row_step >= out->height)
              continue;
            for (int x = bx * INK_BLOCK; x < MIN ((bx + 1) * INK_BLOCK, w); x++)
              out->pixels[(gsize) (y / row_step) * w + x] = image->pixels[(gsize) y * w + x] <= threshold ? 0 : 255;
          }
      }
  return out;
}
