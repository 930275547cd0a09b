/* mar-zxing-bridge.cpp — mar_read_barcodes() over zxing-cpp 1.4's C++ API
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-reader"

#include "config.h"

/* zxing-cpp 1.4: without this, Result::text() is a std::wstring
 * (../shared/ENVIRONMENT.md). */
#define ZX_USE_UTF8

#include <cmath>
#include <exception>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include <glib/gi18n-lib.h>

#include "mar-reader-private.h"
#include "mar-zxing-bridge.h"

static ZXing::DecodeHints
hints_from_options (const MarReaderOptions *options)
{
  ZXing::DecodeHints hints;
  ZXing::BarcodeFormats formats;
  ZXing::Binarizer binarizer = ZXing::Binarizer::LocalAverage;

  /* Our flags have zxing's values (ZXing_BarcodeFormat); zxing's Flags has
   * no public constructor from an integer, so add them one by one. */
  for (guint bit = 0; bit < 17; bit++)
    if (options->formats & (1u << bit))
      formats |= static_cast<ZXing::BarcodeFormat> (1u << bit);

  switch (options->binarizer)
    {
    case MAR_BINARIZER_GLOBAL_HISTOGRAM: binarizer = ZXing::Binarizer::GlobalHistogram; break;
    case MAR_BINARIZER_FIXED_THRESHOLD: binarizer = ZXing::Binarizer::FixedThreshold; break;
    case MAR_BINARIZER_BOOL_CAST: binarizer = ZXing::Binarizer::BoolCast; break;
    case MAR_BINARIZER_LOCAL_AVERAGE:
    default:
      break;
    }

  hints.setFormats (formats)
       .setTryHarder (options->try_harder)
       .setTryRotate (options->try_rotate)
       /* Never zxing's own image pyramid: see read_pyramid(). */
       .setTryDownscale (false)
       .setIsPure (options->is_pure)
       .setBinarizer (binarizer)
       .setMaxNumberOfSymbols (options->max_number_of_symbols)
       .setMinLineCount (options->min_line_count);
  return hints;
}

static MarContentType
content_type_from_zxing (ZXing::ContentType type)
{
  switch (type)
    {
    case ZXing::ContentType::Text: return MAR_CONTENT_TYPE_TEXT;
    case ZXing::ContentType::Binary: return MAR_CONTENT_TYPE_BINARY;
    case ZXing::ContentType::Mixed: return MAR_CONTENT_TYPE_MIXED;
    case ZXing::ContentType::GS1: return MAR_CONTENT_TYPE_GS1;
    case ZXing::ContentType::ISO15434: return MAR_CONTENT_TYPE_ISO15434;
    case ZXing::ContentType::UnknownECI:
    default:
      return MAR_CONTENT_TYPE_UNKNOWN_ECI;
    }
}

/* "(01)…" starts an element: an AI of 2 to 4 digits in parentheses. */
static bool
ai_at (const std::string &s,
       size_t             pos,
       size_t            *end)
{
  size_t i = pos + 1;

  if (pos >= s.size () || s[pos] != '(')
    return false;
  while (i < s.size () && g_ascii_isdigit (s[i]) && i - pos <= 4)
    i++;
  if (i >= s.size () || s[i] != ')' || i - pos - 1 < 2 || i - pos - 1 > 4)
    return false;
  *end = i + 1;
  return true;
}

/* AIs of pre-defined length need no separator after them (GS1 General
 * Specifications 7.8.5, Figure 7.8.5-2): 00–04, 11–20, 31–36, 41. */
static bool
ai_has_predefined_length (const std::string &ai)
{
  int two = (ai[0] - '0') * 10 + (ai[1] - '0');

  return two <= 4 || (two >= 11 && two <= 20) || (two >= 31 && two <= 36) || two == 41;
}

/* zxing-cpp 1.4 returns GS1 DataBar Expanded as human-readable text,
 * "(01)00304090123459(10)A1", and DataBar as the bare 14-digit GTIN. Every
 * other GS1 symbology comes as the element string with GS separators,
 * which is what the payload parser takes, so these are brought into that
 * form. A value containing "(dd)" cannot be told from an AI here; such
 * values do not occur on the labels this terminal reads. */
static bool
databar_element_string (const ZXing::Result &result,
                        std::string         &out)
{
  const ZXing::ByteArray &bytes = result.bytes ();
  std::string s (bytes.begin (), bytes.end ());
  size_t pos = 0, end;

  if (result.format () == ZXing::BarcodeFormat::DataBar)
    {
      if (s.size () != 14 || s.find_first_not_of ("0123456789") != std::string::npos)
        return false;
      out = "01" + s;
      return true;
    }
  if (result.format () != ZXing::BarcodeFormat::DataBarExpanded || !ai_at (s, 0, &end))
    return false;

  out.clear ();
  while (pos < s.size ())
    {
      std::string ai;
      size_t value_start, next;

      if (!ai_at (s, pos, &end))
        return false;
      ai = s.substr (pos + 1, end - pos - 2);
      value_start = end;
      next = value_start;
      while (next < s.size () && !ai_at (s, next, &end))
        next++;
      out += ai + s.substr (value_start, next - value_start);
      if (next < s.size () && !ai_has_predefined_length (ai))
        out += '\x1d';
      pos = next;
    }
  return true;
}

/* Where a point of a layer lies in the caller's image: layers are the
 * image (or the image turned, see read_tilted()) scaled down by `scale`. */
typedef struct
{
  int      scale;              /* layer pixels are this many image pixels */
  int      divide;             /* ...or image pixels are this many layer pixels */
  int      ox, oy;             /* where a crop of the image starts */
  gboolean turned;
  double   cos_a, sin_a;
  double   src_cx, src_cy;     /* centre of the caller's image */
  double   dst_cx, dst_cy;     /* centre of the turned canvas */
} Mapping;

static Mapping
mapping_for_crop (int ox,
                  int oy)
{
  Mapping m = { 1, 1, ox, oy, FALSE, 1, 0, 0, 0, 0, 0 };

  return m;
}

static MarPoint
map_point (const Mapping       *m,
           const ZXing::PointI &p)
{
  double x = (double) p.x * m->scale / m->divide, y = (double) p.y * m->scale / m->divide;
  double dx, dy;

  if (!m->turned)
    return MarPoint { (int) x + m->ox, (int) y + m->oy };
  dx = x + 0.5 - m->dst_cx;
  dy = y + 0.5 - m->dst_cy;
  return MarPoint { (int) lround (m->cos_a * dx - m->sin_a * dy + m->src_cx - 0.5),
                    (int) lround (m->sin_a * dx + m->cos_a * dy + m->src_cy - 0.5) };
}

static MarBarcode *
barcode_from_result (const ZXing::Result &result,
                     const Mapping       *mapping)
{
  const ZXing::Position &p = result.position ();
  const ZXing::ByteArray &raw = result.bytes ();
  std::string bytes (raw.begin (), raw.end ());
  std::string text = result.text ();
  const std::string si = result.symbologyIdentifier ();
  MarContentType content_type = content_type_from_zxing (result.contentType ());
  std::string element_string;
  MarPosition position = { map_point (mapping, p.topLeft ()), map_point (mapping, p.topRight ()),
                           map_point (mapping, p.bottomRight ()), map_point (mapping, p.bottomLeft ()) };

  if (databar_element_string (result, element_string))
    {
      bytes = text = element_string;
      content_type = MAR_CONTENT_TYPE_GS1;
    }

  return mar_barcode_new (static_cast<MarBarcodeFormat> (result.format ()),
                          content_type,
                          si.c_str (),
                          reinterpret_cast<const guint8 *> (bytes.data ()), bytes.size (),
                          text.c_str (),
                          &position,
                          result.orientation (),
                          result.isMirrored (),
                          result.hasECI ());
}

static gboolean
already_found (MarBarcodes *barcodes,
               MarBarcode  *barcode)
{
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    if (mar_barcode_same_payload (mar_barcodes_get (barcodes, i), barcode))
      return TRUE;
  return FALSE;
}

/* Adds the valid results not found before; returns how many. */
static guint
take_results (MarBarcodes          *barcodes,
              const ZXing::Results &results,
              const Mapping        *mapping)
{
  guint added = 0;

  for (const ZXing::Result &result : results)
    {
      MarBarcode *barcode;

      if (!result.isValid ())
        continue;
      barcode = barcode_from_result (result, mapping);
      if (already_found (barcodes, barcode))
        {
          mar_barcode_unref (barcode);
          continue;
        }
      mar_barcodes_take (barcodes, barcode);
      added++;
    }
  return added;
}

/* zxing reads large images again at a third of the size (its "try
 * downscale" pyramid: a 1280×720 frame also as 426×240), which finds
 * symbols too big or too blurred for the full size. zxing 1.4 merges the
 * layers' results with Result::operator==, which asserts on a linear
 * symbol read on several rows, and aborts the process (code128-1/4.png,
 * and any Code 128 tilted by a few degrees). So the pyramid is built here
 * and each layer read on its own; results are merged by payload. */
#define PYRAMID_THRESHOLD 500
#define PYRAMID_FACTOR    3

static std::vector<guint8>
downscale (const std::vector<guint8> &src,
           int                        w,
           int                        h,
           int                       *out_w,
           int                       *out_h)
{
  int dw = w / PYRAMID_FACTOR, dh = h / PYRAMID_FACTOR;
  std::vector<guint8> out ((size_t) dw * dh);

  /* The mean of each 3 × 3 block, as zxing's own pyramid does. */
  for (int y = 0; y < dh; y++)
    for (int x = 0; x < dw; x++)
      {
        unsigned sum = 0;

        for (int yy = 0; yy < PYRAMID_FACTOR; yy++)
          for (int xx = 0; xx < PYRAMID_FACTOR; xx++)
            sum += src[(size_t) (y * PYRAMID_FACTOR + yy) * w + x * PYRAMID_FACTOR + xx];
        out[(size_t) y * dw + x] = (guint8) ((sum + 4) / 9);
      }
  *out_w = dw;
  *out_h = dh;
  return out;
}

/* Reads @iv and, if asked, its downscaled layers. @make_lum gives the
 * same image as packed luminance, made only when a layer is needed. */
static void
read_pyramid (const ZXing::ImageView       &iv,
              std::function<const std::vector<guint8> &()> make_lum,
              const ZXing::DecodeHints     &hints,
              const MarReaderOptions       *options,
              Mapping                       mapping,
              MarBarcodes                  *barcodes)
{
  int w = iv.width (), h = iv.height ();
  int wanted = options->max_number_of_symbols;
  guint before = mar_barcodes_get_size (barcodes);
  std::vector<guint8> layer;

  take_results (barcodes, ZXing::ReadBarcodes (iv, hints), &mapping);
  if (!options->try_downscale)
    return;

  while (MAX (w, h) > PYRAMID_THRESHOLD && MIN (w, h) >= PYRAMID_FACTOR &&
         (int) (mar_barcodes_get_size (barcodes) - before) < wanted)
    {
      ZXing::DecodeHints layer_hints = hints;
      int lw, lh;

      std::vector<guint8> next = downscale (layer.empty () ? make_lum () : layer, w, h, &lw, &lh);

      layer = std::move (next);
      w = lw;
      h = lh;
      mapping.scale *= PYRAMID_FACTOR;
      layer_hints.setMaxNumberOfSymbols ((uint8_t) MAX (1, wanted - (int) (mar_barcodes_get_size (barcodes) - before)));
      take_results (barcodes,
                    ZXing::ReadBarcodes (ZXing::ImageView (layer.data (), w, h, ZXing::ImageFormat::Lum),
                                         layer_hints),
                    &mapping);
    }
}

/* Symbologies zxing 1.4 reads along scan lines, which a tilt defeats. */
static const MarBarcodeFormats TILT_SENSITIVE =
  MAR_BARCODE_FORMAT_CODABAR | MAR_BARCODE_FORMAT_CODE39 | MAR_BARCODE_FORMAT_CODE93 |
  MAR_BARCODE_FORMAT_CODE128 | MAR_BARCODE_FORMAT_DATABAR | MAR_BARCODE_FORMAT_DATABAR_EXPANDED |
  MAR_BARCODE_FORMAT_EAN8 | MAR_BARCODE_FORMAT_EAN13 | MAR_BARCODE_FORMAT_ITF |
  MAR_BARCODE_FORMAT_PDF417 | MAR_BARCODE_FORMAT_UPCA | MAR_BARCODE_FORMAT_UPCE;

/* Turning a still image costs memory; beyond this, a photo is read as is. */
#define TILT_MAX_PIXELS (16 * 1000 * 1000)

/* @src (w × h luminance) turned by @degrees about its centre onto a canvas
 * that holds all of it, white around; bilinear, in 8-bit fixed point. */
static std::vector<guint8>
turn_luminance (const std::vector<guint8> &src,
                int                        w,
                int                        h,
                double                     degrees,
                int                       *out_w,
                int                       *out_h,
                Mapping                   *m)
{
  double a = degrees * G_PI / 180.0;
  int rw = (int) ceil (fabs (w * cos (a)) + fabs (h * sin (a)));
  int rh = (int) ceil (fabs (w * sin (a)) + fabs (h * cos (a)));
  std::vector<guint8> out ((size_t) rw * rh);

  m->scale = 1;
  m->divide = 1;
  m->ox = m->oy = 0;
  m->turned = TRUE;
  m->cos_a = cos (a);
  m->sin_a = sin (a);
  m->src_cx = w / 2.0;
  m->src_cy = h / 2.0;
  m->dst_cx = rw / 2.0;
  m->dst_cy = rh / 2.0;

  for (int y = 0; y < rh; y++)
    for (int x = 0; x < rw; x++)
      {
        double dx = x + 0.5 - m->dst_cx, dy = y + 0.5 - m->dst_cy;
        double sx = m->cos_a * dx - m->sin_a * dy + m->src_cx - 0.5;
        double sy = m->sin_a * dx + m->cos_a * dy + m->src_cy - 0.5;
        int x0 = (int) floor (sx), y0 = (int) floor (sy);
        int fx = (int) ((sx - x0) * 256), fy = (int) ((sy - y0) * 256);
        int v[4];

        for (int i = 0; i < 4; i++)
          {
            int px = x0 + (i & 1), py = y0 + (i >> 1);

            v[i] = (px < 0 || py < 0 || px >= w || py >= h) ? 255 : src[(size_t) py * w + px];
          }
        out[(size_t) y * rw + x] =
          (guint8) ((((v[0] * (256 - fx) + v[1] * fx) * (256 - fy)) +
                     ((v[2] * (256 - fx) + v[3] * fx) * fy) + (1 << 15)) >> 16);
      }
  *out_w = rw;
  *out_h = rh;
  return out;
}

static gboolean
has_format_in (MarBarcodes       *barcodes,
               MarBarcodeFormats  formats)
{
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    if (mar_barcode_get_format (mar_barcodes_get (barcodes, i)) & formats)
      return TRUE;
  return FALSE;
}

/* Is there a linear bar code in the picture, and at what angle? Bars are
 * many strong, parallel edges: in a cell of a bar code the image gradient
 * points one way (a coherent structure tensor), and neighbouring cells
 * agree. Text and matrix symbols have edges every which way. This keeps
 * the costly fallbacks below for photos that show bars, and tells them
 * the angle to turn by (folded into [0°, 90°): zxing reads both axes). */
#define BAR_CELL     12
#define BAR_WORK_SIDE 700         /* judged on a copy about this size */

static gboolean
find_bars (const std::vector<guint8> &full,
           int                        full_w,
           int                        full_h,
           double                    *angle)
{
  /* Judge a small copy: big bars become a few pixels wide (several edges
   * per cell, as bars have), and a matrix symbol's modules shrink into
   * edges that run every which way. */
  int f = MAX (1, (MAX (full_w, full_h) + BAR_WORK_SIDE / 2) / BAR_WORK_SIDE);
  int w = full_w / f, h = full_h / f;
  std::vector<guint8> lum ((size_t) w * h);
  int gw = w / BAR_CELL, gh = h / BAR_CELL;
  std::vector<double> cell_angle ((size_t) MAX (gw, 0) * MAX (gh, 0), -1.0);
  std::vector<guint8> seen (cell_angle.size ());
  size_t best_size = 0;
  double best_sin = 0, best_cos = 0;

  *angle = -1;
  if (gw < 2 || gh < 2)
    return FALSE;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        unsigned sum = 0;

        for (int yy = 0; yy < f; yy++)
          for (int xx = 0; xx < f; xx++)
            sum += full[(size_t) (y * f + yy) * full_w + x * f + xx];
        lum[(size_t) y * w + x] = (guint8) (sum / (f * f));
      }

  for (int cy = 0; cy < gh; cy++)
    for (int cx = 0; cx < gw; cx++)
      {
        double jxx = 0, jyy = 0, jxy = 0, energy, coherence;
        int n = 0, edges = 0;

        for (int y = MAX (cy * BAR_CELL, 1); y < MIN ((cy + 1) * BAR_CELL, h - 1); y++)
          for (int x = MAX (cx * BAR_CELL, 1); x < MIN ((cx + 1) * BAR_CELL, w - 1); x++, n++)
            {
              const guint8 *p = lum.data () + (size_t) y * w + x;
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
        /* Edges on a third of the cell (several bars, not one border),
         * a mean squared gradient above 150 and gradients within about
         * ±20° of one direction. */
        if (edges * 3 >= n && energy > 150 && coherence > 0.75)
          {
            double deg = 0.5 * atan2 (2 * jxy, jxx - jyy) * 180.0 / G_PI;

            cell_angle[(size_t) cy * gw + cx] = fmod (deg + 180.0, 180.0);
          }
      }

  /* Groups of neighbouring cells that agree on the direction (±12°). */
  for (int start = 0; start < gw * gh; start++)
    {
      std::vector<int> stack;
      size_t size = 0;
      double sum_sin = 0, sum_cos = 0;

      if (cell_angle[start] < 0 || seen[start])
        continue;
      seen[start] = 1;
      stack.push_back (start);
      while (!stack.empty ())
        {
          int c = stack.back (), cx = c % gw, cy = c / gw;
          double a = cell_angle[c];

          stack.pop_back ();
          size++;
          /* Average on the doubled angle: 179° and 1° are neighbours. */
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
              stack.push_back (nc);
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

/* zxing 1.4's linear readers scan rows (and columns, with try_rotate): a
 * bar code tilted by more than its height over its length (about 10° for
 * a GS1-128 on a bag label) is crossed by no complete scan line. Turning
 * the image by the bars' own angle (find_bars()), or in 15°
 * steps, brings any angle within 7.5° of a scan direction. Matrix symbols are read at any angle already, so only linear
 * formats are looked for. */
static void
read_tilted (const MarImageView        *view,
             const MarReaderOptions    *options,
             const std::vector<guint8> &lum,
             double                     peak,
             MarBarcodes               *barcodes)
{
  MarBarcodeFormats wanted = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
  g_autoptr(MarReaderOptions) linear = NULL;
  ZXing::DecodeHints hints;
  std::vector<double> angles;

  if ((wanted & TILT_SENSITIVE) == 0 || has_format_in (barcodes, TILT_SENSITIVE))
    return;

  linear = mar_reader_options_copy (options);
  linear->formats = wanted & TILT_SENSITIVE;
  hints = hints_from_options (linear);

  /* The bars' own angle first; then steps of 15° in case it misled. */
  if (peak > 6 && peak < 84)
    angles.push_back (peak);
  for (double step : { 45.0, 15.0, 75.0, 30.0, 60.0 })
    if (peak < 0 || fabs (step - peak) > 7.5)
      angles.push_back (step);

  for (double degrees : angles)
    {
      Mapping mapping;
      int rw, rh;
      std::vector<guint8> turned = turn_luminance (lum, view->width, view->height, degrees, &rw, &rh, &mapping);
      guint before = mar_barcodes_get_size (barcodes);

      read_pyramid (ZXing::ImageView (turned.data (), rw, rh, ZXing::ImageFormat::Lum),
                    [&turned] () -> const std::vector<guint8> & { return turned; },
                    hints, linear, mapping, barcodes);
      if (mar_barcodes_get_size (barcodes) > before)
        return;
    }
}

/* Box blurs of radius @r along rows and columns, @passes times: close to
 * a Gaussian whose variance is passes × ((2r + 1)² − 1) / 12. */
static std::vector<guint8>
soften (const std::vector<guint8> &src,
        int                        w,
        int                        h,
        int                        r,
        int                        passes)
{
  std::vector<guint8> out (src);
  std::vector<int> line ((size_t) MAX (w, h));

  for (int pass = 0; pass < passes; pass++)
    for (bool rows : { true, false })
      {
        int n_lines = rows ? h : w, len = rows ? w : h;

        for (int l = 0; l < n_lines; l++)
          {
            int sum = 0;

            for (int i = 0; i < len; i++)
              line[i] = out[rows ? (size_t) l * w + i : (size_t) i * w + l];
            for (int k = -r; k <= r; k++)
              sum += line[CLAMP (k, 0, len - 1)];
            for (int i = 0; i < len; i++)
              {
                out[rows ? (size_t) l * w + i : (size_t) i * w + l] = (guint8) ((sum + r) / (2 * r + 1));
                sum += line[MIN (i + r + 1, len - 1)] - line[MAX (i - r, 0)];
              }
          }
      }
  return out;
}

/* A long linear symbol far from the camera has bars two or three pixels
 * wide; thresholding loses whole modules to rounding. Read at twice the
 * size (bilinear), edges fall between pixels where they belong. Only for
 * small images: a large one has the pixels already. */
#define UPSCALE_MAX_SIDE 2000

static void
read_upscaled (const MarImageView        *view,
               const MarReaderOptions    *options,
               const std::vector<guint8> &lum,
               MarBarcodes               *barcodes)
{
  MarBarcodeFormats wanted = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
  g_autoptr(MarReaderOptions) linear = NULL;
  int w = view->width, h = view->height, bw = 2 * w, bh = 2 * h;
  std::vector<guint8> big;
  Mapping half = mapping_for_crop (0, 0);

  if ((wanted & TILT_SENSITIVE) == 0 || has_format_in (barcodes, TILT_SENSITIVE) ||
      MAX (w, h) > UPSCALE_MAX_SIDE)
    return;

  linear = mar_reader_options_copy (options);
  linear->formats = wanted & TILT_SENSITIVE;
  linear->try_downscale = FALSE;

  big.resize ((size_t) bw * bh);
  for (int y = 0; y < bh; y++)
    {
      double sy = CLAMP ((y + 0.5) / 2.0 - 0.5, 0.0, h - 1.0);
      int y0 = (int) sy, y1 = MIN (y0 + 1, h - 1);
      int fy = (int) ((sy - y0) * 256);

      for (int x = 0; x < bw; x++)
        {
          double sx = CLAMP ((x + 0.5) / 2.0 - 0.5, 0.0, w - 1.0);
          int x0 = (int) sx, x1 = MIN (x0 + 1, w - 1);
          int fx = (int) ((sx - x0) * 256);
          int top = lum[(size_t) y0 * w + x0] * (256 - fx) + lum[(size_t) y0 * w + x1] * fx;
          int bottom = lum[(size_t) y1 * w + x0] * (256 - fx) + lum[(size_t) y1 * w + x1] * fx;

          big[(size_t) y * bw + x] = (guint8) ((top * (256 - fy) + bottom * fy + (1 << 15)) >> 16);
        }
    }

  /* Positions come back in doubled pixels: halve them. */
  half.divide = 2;
  take_results (barcodes,
                ZXing::ReadBarcodes (ZXing::ImageView (big.data (), bw, bh, ZXing::ImageFormat::Lum),
                                     hints_from_options (linear)),
                &half);
}

/* Out of focus (a webcam at arm's length, a shaking hand), the narrow
 * bars of a long linear symbol blur into their neighbours and zxing reads
 * no row. An unsharp mask (the image plus its difference from a softened
 * copy) restores the edges. */
static void
read_sharpened (const MarImageView        *view,
                const MarReaderOptions    *options,
                const std::vector<guint8> &lum,
                double                     bar_angle,
                MarBarcodes               *barcodes)
{
  MarBarcodeFormats wanted = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
  g_autoptr(MarReaderOptions) linear = NULL;
  Mapping identity = mapping_for_crop (0, 0);
  /* σ ≈ 1.4, 2 and 2.4 px: the mask helps most when it matches the blur. */
  const int kernels[][2] = { { 1, 3 }, { 2, 2 }, { 2, 3 } };

  linear = mar_reader_options_copy (options);
  linear->formats = wanted & TILT_SENSITIVE;

  for (const auto &k : kernels)
    {
      std::vector<guint8> soft, sharp ((size_t) view->width * view->height);

      if ((wanted & TILT_SENSITIVE) == 0 || has_format_in (barcodes, TILT_SENSITIVE))
        return;

      soft = soften (lum, view->width, view->height, k[0], k[1]);
      for (size_t i = 0; i < sharp.size (); i++)
        sharp[i] = (guint8) CLAMP (2 * lum[i] - soft[i], 0, 255);

      read_pyramid (ZXing::ImageView (sharp.data (), view->width, view->height, ZXing::ImageFormat::Lum),
                    [&sharp] () -> const std::vector<guint8> & { return sharp; },
                    hints_from_options (linear), linear, identity, barcodes);
      read_tilted (view, linear, sharp, bar_angle, barcodes);
    }
}

/* zxing 1.4 looks for a DataMatrix only along the image's horizontal and
 * vertical centre lines ("If neither the horizontal nor the vertical
 * center line cross the symbol, it will be overlooked", DMDetector.cpp),
 * and fails when such a line only clips a corner of a tilted symbol. So
 * DataMatrix candidates are located first — compact, square-ish patches
 * dense with edges, as a symbol is and text lines and bar codes are not —
 * and each is read from a crop centred on it, where the centre lines run
 * through the middle of the symbol. */
#define BLOB_CELL        16       /* pixels per cell of the edge-density grid */
#define BLOB_MAX_TRIES   12

typedef struct
{
  int x0, y0, x1, y1;             /* in cells, inclusive */
  int cells;
} Blob;

static std::vector<Blob>
find_blobs (const std::vector<guint8> &lum,
            int                        w,
            int                        h)
{
  int gw = w / BLOB_CELL, gh = h / BLOB_CELL;
  std::vector<guint8> busy ((size_t) MAX (gw, 0) * MAX (gh, 0));
  std::vector<int> label (busy.size (), -1);
  std::vector<Blob> blobs;

  if (gw < 2 || gh < 2)
    return blobs;

  /* A cell is busy when many of its pixels sit on a strong edge. */
  for (int cy = 0; cy < gh; cy++)
    for (int cx = 0; cx < gw; cx++)
      {
        int edges = 0, n = 0;

        for (int y = cy * BLOB_CELL + 1; y < (cy + 1) * BLOB_CELL - 1 && y < h - 1; y += 2)
          for (int x = cx * BLOB_CELL + 1; x < (cx + 1) * BLOB_CELL - 1 && x < w - 1; x += 2, n++)
            {
              const guint8 *p = lum.data () + (size_t) y * w + x;
              int gx = abs (p[1] - p[-1]), gy = abs (p[w] - p[-w]);

              edges += gx + gy > 60;
            }
        busy[(size_t) cy * gw + cx] = n > 0 && edges * 5 >= n;
      }

  /* Connected patches of busy cells (4-neighbours). */
  for (int start = 0; start < gw * gh; start++)
    {
      std::vector<int> stack;
      Blob b;

      if (!busy[start] || label[start] >= 0)
        continue;
      b = Blob { start % gw, start / gw, start % gw, start / gw, 0 };
      label[start] = (int) blobs.size ();
      stack.push_back (start);
      while (!stack.empty ())
        {
          int c = stack.back (), cx = c % gw, cy = c / gw;

          stack.pop_back ();
          b.cells++;
          b.x0 = MIN (b.x0, cx); b.x1 = MAX (b.x1, cx);
          b.y0 = MIN (b.y0, cy); b.y1 = MAX (b.y1, cy);
          for (int d = 0; d < 4; d++)
            {
              int nx = cx + (d == 0) - (d == 1), ny = cy + (d == 2) - (d == 3);
              int nc = ny * gw + nx;

              if (nx < 0 || ny < 0 || nx >= gw || ny >= gh || !busy[nc] || label[nc] >= 0)
                continue;
              label[nc] = (int) blobs.size ();
              stack.push_back (nc);
            }
        }
      blobs.push_back (b);
    }

  /* Keep patches that could be a symbol: at least 2 × 2 cells, not a
   * long strip (text line, bar code), filled rather than sparse. Most
   * square and densest first. */
  std::vector<Blob> keep;
  for (const Blob &b : blobs)
    {
      int bw = b.x1 - b.x0 + 1, bh = b.y1 - b.y0 + 1;

      if (bw < 2 || bh < 2 || bw > 3 * bh || bh > 3 * bw || b.cells * 3 < bw * bh)
        continue;
      if (bw > gw * 3 / 4 && bh > gh * 3 / 4)
        continue;
      keep.push_back (b);
    }
  std::sort (keep.begin (), keep.end (), [] (const Blob &a, const Blob &b) {
    double ra = (double) MIN (a.x1 - a.x0, a.y1 - a.y0) / MAX (a.x1 - a.x0, a.y1 - a.y0);
    double rb = (double) MIN (b.x1 - b.x0, b.y1 - b.y0) / MAX (b.x1 - b.x0, b.y1 - b.y0);

    return ra * a.cells > rb * b.cells;
  });
  if (keep.size () > BLOB_MAX_TRIES)
    keep.resize (BLOB_MAX_TRIES);
  return keep;
}

static void
read_datamatrix_candidates (const MarImageView     *view,
                            const MarReaderOptions *options,
                            std::vector<guint8>    &lum,
                            MarBarcodes            *barcodes)
{
  MarBarcodeFormats wanted = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
  g_autoptr(MarReaderOptions) dm = NULL;
  ZXing::DecodeHints hints;
  int w = view->width, h = view->height;

  if ((wanted & MAR_BARCODE_FORMAT_DATAMATRIX) == 0 || has_format_in (barcodes, MAR_BARCODE_FORMAT_DATAMATRIX))
    return;

  dm = mar_reader_options_copy (options);
  dm->formats = MAR_BARCODE_FORMAT_DATAMATRIX;
  hints = hints_from_options (dm);

  for (const Blob &b : find_blobs (lum, w, h))
    {
      /* A crop twice the patch's size, centred on it. */
      int cx = (b.x0 + b.x1 + 1) * BLOB_CELL / 2, cy = (b.y0 + b.y1 + 1) * BLOB_CELL / 2;
      int half = MAX (b.x1 - b.x0 + 1, b.y1 - b.y0 + 1) * BLOB_CELL;
      int x0 = MAX (cx - half, 0), y0 = MAX (cy - half, 0);
      int x1 = MIN (cx + half, w), y1 = MIN (cy + half, h);
      int bw = x1 - x0, bh = y1 - y0;
      Mapping mapping = mapping_for_crop (x0, y0);
      const guint8 *origin = lum.data () + (size_t) y0 * w + x0;
      std::vector<guint8> crop;

      if (bw < 16 || bh < 16)
        continue;
      /* Keep the candidate at the crop's centre even at the image edge. */
      if (cx - x0 != x1 - cx || cy - y0 != y1 - cy)
        {
          int hx = MIN (cx - x0, x1 - cx), hy = MIN (cy - y0, y1 - cy);

          x0 = cx - hx; x1 = cx + hx; y0 = cy - hy; y1 = cy + hy;
          bw = x1 - x0; bh = y1 - y0;
          mapping.ox = x0;
          mapping.oy = y0;
          origin = lum.data () + (size_t) y0 * w + x0;
          if (bw < 16 || bh < 16)
            continue;
        }
      read_pyramid (ZXing::ImageView (origin, bw, bh, ZXing::ImageFormat::Lum, w),
                    [&] () -> const std::vector<guint8> & {
                      if (crop.empty ())
                        {
                          crop.resize ((size_t) bw * bh);
                          for (int row = 0; row < bh; row++)
                            memcpy (crop.data () + (size_t) row * bw, origin + (size_t) row * w, bw);
                        }
                      return crop;
                    },
                    hints, dm, mapping, barcodes);
    }
}

MarBarcodes *
mar_read_barcodes (const MarImageView     *view,
                   const MarReaderOptions *options,
                   GError                **error)
{
  g_autoptr(MarReaderOptions) defaults = NULL;

  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = defaults = mar_reader_options_new ();

  /* No C++ exception may cross into C: zxing throws std::bad_alloc and,
   * on some malformed symbols, std::out_of_range. */
  try
    {
      ZXing::ImageView iv (view->data, view->width, view->height,
                           static_cast<ZXing::ImageFormat> (view->format),
                           static_cast<int> (view->row_stride),
                           static_cast<int> (view->pix_stride));
      g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
      std::vector<guint8> lum;
      auto make_lum = [view, &lum] () -> const std::vector<guint8> & {
        if (lum.empty ())
          {
            lum.resize ((size_t) view->width * view->height);
            mar_image_view_copy_luminance (view, lum.data ());
          }
        return lum;
      };
      Mapping identity = mapping_for_crop (0, 0);

      read_pyramid (iv, make_lum, hints_from_options (options), options, identity, barcodes);

      if (options->thorough && (gint64) view->width * view->height <= TILT_MAX_PIXELS)
        {
          make_lum ();
          MarBarcodeFormats wanted = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
          double bar_angle = -1;
          gboolean bars = (wanted & TILT_SENSITIVE) != 0 && !has_format_in (barcodes, TILT_SENSITIVE) &&
                          find_bars (lum, view->width, view->height, &bar_angle);

          read_datamatrix_candidates (view, options, lum, barcodes);
          if (bars)
            read_tilted (view, options, lum, bar_angle, barcodes);
          if (options->binarizer == MAR_BINARIZER_LOCAL_AVERAGE)
            {
              g_autoptr(MarReaderOptions) global = mar_reader_options_copy (options);
              MarBarcodeFormats missing = options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;

              /* Only what is still missing: matrix symbols when none was
               * read, linear ones likewise. */
              if (has_format_in (barcodes, ~TILT_SENSITIVE))
                missing &= TILT_SENSITIVE;
              if (has_format_in (barcodes, TILT_SENSITIVE))
                missing &= ~TILT_SENSITIVE;
              global->formats = missing;
              global->binarizer = MAR_BINARIZER_GLOBAL_HISTOGRAM;
              if (missing != 0)
                read_pyramid (ZXing::ImageView (lum.data (), view->width, view->height, ZXing::ImageFormat::Lum),
                              make_lum, hints_from_options (global), global, identity, barcodes);
            }
          if (bars)
            {
              read_upscaled (view, options, lum, barcodes);
              read_sharpened (view, options, lum, bar_angle, barcodes);
            }
        }

      return static_cast<MarBarcodes *> (g_steal_pointer (&barcodes));
    }
  catch (const std::exception &e)
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_FAILED,
                   _("The barcode library failed on this image (%s)"), e.what ());
    }
  catch (...)
    {
      g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_FAILED,
                           _("The barcode library failed on this image"));
    }
  return NULL;
}

const char *
mar_read_barcodes_backend (void)
{
  return "zxing-cpp " G_STRINGIFY (ZXING_VERSION_MAJOR) "." G_STRINGIFY (ZXING_VERSION_MINOR)
         "." G_STRINGIFY (ZXING_VERSION_PATCH);
}
