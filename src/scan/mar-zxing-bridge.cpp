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
#include <future>
#include <cstring>
#include <string>
#include <vector>

#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include <glib/gi18n-lib.h>

#include "mar-reader-image.h"
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
       /* Never zxing's own image pyramid: see read_layers(). */
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

/* Where a point found in a derived image (a crop, a turned or enlarged
 * copy) lies in the caller's image. */
typedef struct
{
  int      row_step;           /* the derived image kept every row_step-th row */
  int      divide;             /* the derived image is this many times larger */
  int      ox, oy;             /* where a crop starts */
  gboolean turned;
  MarTurn  turn;
} Mapping;

static Mapping
mapping_for_crop (int ox,
                  int oy)
{
  Mapping m = { 1, 1, ox, oy, FALSE, { 1, 0, 0, 0, 0, 0 } };

  return m;
}

static MarPoint
map_point (const Mapping       *m,
           const ZXing::PointI &p)
{
  double x = (double) p.x / m->divide, y = (double) p.y * m->row_step / m->divide;

  if (m->turned)
    mar_turn_map_point (&m->turn, x, y, &x, &y);
  return MarPoint { (int) lround (x) + m->ox, (int) lround (y) + m->oy };
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

static gboolean
has_format_in (MarBarcodes       *barcodes,
               MarBarcodeFormats  formats)
{
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    if (mar_barcode_get_format (mar_barcodes_get (barcodes, i)) & formats)
      return TRUE;
  return FALSE;
}

static MarBarcodeFormats
wanted_formats (const MarReaderOptions *options)
{
  return options->formats ? options->formats : MAR_BARCODE_FORMATS_ALL;
}

/* zxing-cpp 1.4 aborts the process (an assertion in Result::operator==,
 * "linear symbology comparisons only implemented for lineCount == 1")
 * whenever ReadBarcodes() compares two results of the same linear symbol
 * read on several rows: the same Code 128 found both by the row and the
 * column scan (any tilt of a few degrees), at two sizes of its image
 * pyramid, or twice in the picture. It did so on code128-1/4.png. Asking
 * for one symbol at a time never compares two results; matrix symbols are
 * compared by position and are safe. So the bridge never lets zxing
 * compare linear results: it reads matrix formats as zxing would, and
 * linear ones one at a time, painting each out before looking again
 * (and DataBar apart, see DATABAR_FORMATS). */
static const MarBarcodeFormats LINEAR_FORMATS =
  MAR_BARCODE_FORMAT_CODABAR | MAR_BARCODE_FORMAT_CODE39 | MAR_BARCODE_FORMAT_CODE93 |
  MAR_BARCODE_FORMAT_CODE128 | MAR_BARCODE_FORMAT_DATABAR | MAR_BARCODE_FORMAT_DATABAR_EXPANDED |
  MAR_BARCODE_FORMAT_EAN8 | MAR_BARCODE_FORMAT_EAN13 | MAR_BARCODE_FORMAT_ITF |
  MAR_BARCODE_FORMAT_UPCA | MAR_BARCODE_FORMAT_UPCE;

/* Linear symbols at most per image, as a bound on the paint-and-look-again
 * loop. */
#define MAX_LINEAR_SYMBOLS 8

/* zxing reads large images again at a third of the size (its image
 * pyramid: a 1280×720 frame also as 426×240), which finds symbols too big
 * or too blurred for the full size. Built here, layer by layer, so that
 * zxing never merges layers itself (see LINEAR_FORMATS). Positions come
 * back in @lum's pixels. */
#define PYRAMID_THRESHOLD 500
#define PYRAMID_FACTOR    3

static gboolean
same_result (const ZXing::Result &a,
             const ZXing::Result &b)
{
  return a.format () == b.format () && a.bytes () == b.bytes ();
}

static ZXing::Results
read_layers (const MarLumImage        *lum,
             const MarLumImage        *third,
             const ZXing::DecodeHints &hints,
             gboolean                  downscale,
             int                       max_symbols)
{
  ZXing::DecodeHints layer_hints = hints;
  ZXing::Results all;
  g_autoptr(MarLumImage) layer = NULL;
  const MarLumImage *current = lum;
  int scale = 1;

  layer_hints.setMaxNumberOfSymbols ((uint8_t) CLAMP (max_symbols, 1, 255));
  all = ZXing::ReadBarcodes (ZXing::ImageView (lum->pixels, lum->width, lum->height, ZXing::ImageFormat::Lum),
                             layer_hints);

  while (downscale && (int) all.size () < max_symbols &&
         MAX (current->width, current->height) > PYRAMID_THRESHOLD &&
         MIN (current->width, current->height) >= PYRAMID_FACTOR * 8)
    {
      ZXing::Results found;

      /* The first layer may have been made already, for all readers. */
      if (current == lum && third != NULL)
        current = third;
      else
        {
          MarLumImage *next = mar_lum_image_downscale (current, PYRAMID_FACTOR);

          g_clear_pointer (&layer, mar_lum_image_free);
          layer = next;
          current = next;
        }
      scale *= PYRAMID_FACTOR;
      layer_hints.setMaxNumberOfSymbols ((uint8_t) CLAMP (max_symbols - (int) all.size (), 1, 255));
      found = ZXing::ReadBarcodes (ZXing::ImageView (current->pixels, current->width, current->height,
                                                     ZXing::ImageFormat::Lum),
                                   layer_hints);
      for (ZXing::Result &r : found)
        {
          ZXing::Position p = r.position ();
          gboolean known = FALSE;

          for (const ZXing::Result &o : all)
            known |= same_result (o, r);
          if (known)
            continue;
          for (auto &point : p)
            point = ZXing::PointI (point.x * scale, point.y * scale);
          r.setPosition (p);
          all.push_back (std::move (r));
        }
    }
  return all;
}

static void
read_matrix (const MarLumImage      *lum,
             const MarLumImage      *third,
             const MarReaderOptions *options,
             const Mapping          *mapping,
             MarBarcodes            *barcodes)
{
  g_autoptr(MarReaderOptions) matrix = mar_reader_options_copy (options);

  matrix->formats = wanted_formats (options) & ~LINEAR_FORMATS;
  if (matrix->formats == 0)
    return;
  take_results (barcodes,
                read_layers (lum, third, hints_from_options (matrix), options->try_downscale,
                             options->max_number_of_symbols),
                mapping);
}

/* DataBar results come from zxing 1.4 with a line count already
 * estimated from the rows their pairs span (ODDataBarReader.cpp), so the
 * next row's result of the same symbol fails the lineCount == 1
 * assertion when compared. Read alone, with one row enough, the first
 * result ends the search before any comparison. DataBar's own checksums
 * (and the pairs over several rows behind that estimate) guard against a
 * misread; every other linear symbology keeps zxing's two rows. */
static const MarBarcodeFormats DATABAR_FORMATS =
  MAR_BARCODE_FORMAT_DATABAR | MAR_BARCODE_FORMAT_DATABAR_EXPANDED;

static void
read_linear_group (const MarLumImage      *lum,
                   const MarReaderOptions *options,
                   MarBarcodeFormats       formats,
                   const Mapping          *mapping,
                   MarBarcodes            *barcodes)
{
  g_autoptr(MarReaderOptions) linear = mar_reader_options_copy (options);
  g_autoptr(MarLumImage) masked = NULL;
  ZXing::DecodeHints hints;

  linear->formats = formats;
  if (formats & DATABAR_FORMATS)
    linear->min_line_count = 1;
  hints = hints_from_options (linear);

  for (int k = 0; k < MIN (options->max_number_of_symbols, MAX_LINEAR_SYMBOLS); k++)
    {
      ZXing::Results found = read_layers (masked ? masked : lum, NULL, hints, options->try_downscale, 1);
      const ZXing::Result *r = NULL;
      MarPoint quad[4];

      for (const ZXing::Result &candidate : found)
        if (candidate.isValid ())
          {
            r = &candidate;
            break;
          }
      if (r == NULL)
        break;

      take_results (barcodes, ZXing::Results { *r }, mapping);

      /* Paint it out and look again: the only way to find a second linear
       * symbol without zxing comparing the two. */
      for (int i = 0; i < 4; i++)
        quad[i] = MarPoint { r->position ()[i].x, r->position ()[i].y };
      if (masked == NULL)
        masked = mar_lum_image_copy (lum);
      mar_lum_image_paint_out (masked, quad);
    }
}

/* With one row enough, zxing stops at the first result it has and
 * compares none: DataBar needs no reading apart (DATABAR_FORMATS). */
static void
read_linear_groups (const MarLumImage      *source,
                    const MarReaderOptions *options,
                    MarBarcodeFormats       formats,
                    const Mapping          *mapping,
                    MarBarcodes            *barcodes)
{
  if (options->min_line_count <= 1)
    read_linear_group (source, options, formats, mapping, barcodes);
  else
    {
      if (formats & ~DATABAR_FORMATS)
        read_linear_group (source, options, formats & ~DATABAR_FORMATS, mapping, barcodes);
      if (formats & DATABAR_FORMATS)
        read_linear_group (source, options, formats & DATABAR_FORMATS, mapping, barcodes);
    }
}

/* zxing binarizes a scan line by the histogram of the whole line: on a
 * grey background the valley falls between background and label, and soft
 * narrow bars vanish (zbar reads those). A local threshold set by the bar
 * code's own black and white (mar_lum_image_binarize_local()) keeps them;
 * zxing then reads the black-and-white image with its fixed threshold. In
 * the benchmark's webcam frames this took Code 128 from 18 to 29 of 30.
 * With another binarizer asked for explicitly, zxing's own is used. */
/* zxing binarizes a scan line by the histogram of the whole line: on a
 * grey background the valley falls between background and label, and soft
 * narrow bars vanish (zbar reads those). A local threshold set by the bar
 * code's own black and white (mar_lum_image_binarize_local()) keeps them;
 * zxing then reads the black-and-white image with its fixed threshold. In
 * the benchmark's webcam frames this took Code 128 from 18 to 29 of 30.
 * zxing must then try hard (every position on a line): the background's
 * texture leaves specks that stop a single attempt per line. For video
 * the lines are thinned instead, every sixth row: bars are vertical, so
 * fewer rows lose nothing but time. With another binarizer asked for
 * explicitly, zxing's own is used. */
#define VIDEO_ROW_STEP 6

static void
read_linear (const MarLumImage      *lum,
             const MarReaderOptions *options,
             const Mapping          *mapping,
             MarBarcodes            *barcodes)
{
  MarBarcodeFormats formats = wanted_formats (options) & LINEAR_FORMATS;
  g_autoptr(MarLumImage) ink = NULL;
  g_autoptr(MarReaderOptions) fixed = NULL;
  const MarReaderOptions *original = options;
  const MarLumImage *source = lum;
  Mapping rows = *mapping;

  if (formats == 0)
    return;

  if (options->binarizer == MAR_BINARIZER_LOCAL_AVERAGE)
    {
      int step = options->try_harder ? 1 : VIDEO_ROW_STEP;

      if (lum->height / step < 16)
        step = 1;
      ink = mar_lum_image_binarize_local (lum, step);
      fixed = mar_reader_options_copy (options);
      fixed->binarizer = MAR_BINARIZER_FIXED_THRESHOLD;
      fixed->try_harder = TRUE;
      /* Each kept row stands for step rows: one is enough to confirm. */
      if (step > 1)
        fixed->min_line_count = 1;
      rows.row_step *= step;
      options = fixed;
      source = ink;
    }

  read_linear_groups (source, options, formats, &rows, barcodes);

  /* Each binarization keeps symbols the other loses: a thorough reading
   * also tries zxing's own. */
  if (ink != NULL && options->thorough && !has_format_in (barcodes, formats))
    read_linear_groups (lum, original, formats, mapping, barcodes);
}

/* Up to three readings at once, on separate threads: matrix symbols
 * (with the PDF417 detector, slow at 90°, apart when not trying hard) and
 * linear ones. zxing's readers share no state between calls. */
static const MarBarcodeFormats PDF417_FORMATS = MAR_BARCODE_FORMAT_PDF417;

static void
read_all (const MarLumImage      *lum,
          const MarReaderOptions *options,
          const Mapping          *mapping,
          MarBarcodes            *barcodes)
{
  MarBarcodeFormats wanted = wanted_formats (options);
  g_autoptr(MarLumImage) third = NULL;
  g_autoptr(MarReaderOptions) matrix = mar_reader_options_copy (options);
  g_autoptr(MarReaderOptions) pdf417 = NULL;
  g_autoptr(MarBarcodes) found_matrix = mar_barcodes_new ();
  g_autoptr(MarBarcodes) found_pdf417 = mar_barcodes_new ();
  g_autoptr(MarBarcodes) found_linear = mar_barcodes_new ();
  std::vector<std::future<void>> tasks;

  /* Every reader looks at the same third-size layer: make it once. */
  if (options->try_downscale && MAX (lum->width, lum->height) > PYRAMID_THRESHOLD &&
      MIN (lum->width, lum->height) >= PYRAMID_FACTOR * 8)
    third = mar_lum_image_downscale (lum, PYRAMID_FACTOR);

  /* Turning PDF417 by 90° costs it twice its time; only when trying hard. */
  matrix->formats = wanted & ~LINEAR_FORMATS;
  if ((wanted & PDF417_FORMATS) && options->try_rotate && !options->try_harder)
    {
      pdf417 = mar_reader_options_copy (options);
      pdf417->formats = PDF417_FORMATS;
      pdf417->try_rotate = FALSE;
      matrix->formats &= ~PDF417_FORMATS;
    }

  if (matrix->formats != 0)
    tasks.push_back (std::async (std::launch::async, [&] {
      read_matrix (lum, third, matrix, mapping, found_matrix);
    }));
  if (pdf417 != NULL)
    tasks.push_back (std::async (std::launch::async, [&] {
      read_matrix (lum, third, pdf417, mapping, found_pdf417);
    }));
  if (wanted & LINEAR_FORMATS)
    tasks.push_back (std::async (std::launch::async, [&] {
      read_linear (lum, options, mapping, found_linear);
    }));
  /* get() rethrows a reader's exception here, for mar_read_barcodes(). */
  for (auto &task : tasks)
    task.get ();

  for (MarBarcodes *found : { found_matrix, found_pdf417, found_linear })
    for (guint i = 0; i < mar_barcodes_get_size (found); i++)
      {
        MarBarcode *b = mar_barcodes_get (found, i);

        if (!already_found (barcodes, b))
          mar_barcodes_take (barcodes, mar_barcode_ref (b));
      }
}

/* Thorough reading (mar_reader_options_set_thorough()) */

static gboolean
linear_missing (const MarReaderOptions *options,
                MarBarcodes            *barcodes)
{
  return (wanted_formats (options) & LINEAR_FORMATS) != 0 && !has_format_in (barcodes, LINEAR_FORMATS);
}

/* Turning a still image costs memory and time; beyond this, a photo is
 * read as is. */
#define THOROUGH_MAX_PIXELS (16 * 1000 * 1000)

/* zxing 1.4's linear readers scan rows (and columns, with try_rotate): a
 * bar code tilted by more than its height over its length (about 10° for
 * a GS1-128 on a bag label) is crossed by no complete scan line. Turning
 * the image by the bars' own angle (mar_lum_image_find_bars()), or in 15°
 * steps, brings any angle within 7.5° of a scan direction. Matrix symbols
 * are read at any angle already, so only linear formats are looked for. */
static void
read_tilted (const MarLumImage      *lum,
             const MarReaderOptions *options,
             double                  bar_angle,
             MarBarcodes            *barcodes)
{
  std::vector<double> angles;

  if (!linear_missing (options, barcodes))
    return;

  /* The bars' own angle first; then steps of 15° in case it misled. */
  if (bar_angle > 6 && bar_angle < 84)
    angles.push_back (bar_angle);
  for (double step : { 45.0, 15.0, 75.0, 30.0, 60.0 })
    if (bar_angle < 0 || fabs (step - bar_angle) > 7.5)
      angles.push_back (step);

  for (double degrees : angles)
    {
      Mapping mapping = mapping_for_crop (0, 0);
      g_autoptr(MarLumImage) turned = NULL;

      mapping.turned = TRUE;
      turned = mar_lum_image_turn (lum, degrees, &mapping.turn);
      read_linear (turned, options, &mapping, barcodes);
      if (!linear_missing (options, barcodes))
        return;
    }
}

/* zxing 1.4 looks for a DataMatrix only along the image's horizontal and
 * vertical centre lines ("If neither the horizontal nor the vertical
 * center line cross the symbol, it will be overlooked", DMDetector.cpp),
 * and fails when such a line only clips a corner of a tilted symbol. So
 * candidates are located (mar_lum_image_find_patches()) and each is read
 * from a crop centred on it, where the centre lines run through the
 * middle of the symbol. */
static void
read_datamatrix_candidates (const MarLumImage      *lum,
                            const MarReaderOptions *options,
                            guint                   max_patches,
                            MarBarcodes            *barcodes)
{
  g_autoptr(MarReaderOptions) dm = NULL;
  g_autoptr(GArray) crops = NULL;

  if ((wanted_formats (options) & MAR_BARCODE_FORMAT_DATAMATRIX) == 0 ||
      has_format_in (barcodes, MAR_BARCODE_FORMAT_DATAMATRIX))
    return;

  dm = mar_reader_options_copy (options);
  dm->formats = MAR_BARCODE_FORMAT_DATAMATRIX;
  crops = mar_lum_image_find_patches (lum, max_patches);

  for (guint i = 0; i < crops->len; i++)
    {
      const MarRect *r = &g_array_index (crops, MarRect, i);
      g_autoptr(MarLumImage) crop = mar_lum_image_new (r->width, r->height);
      Mapping mapping = mapping_for_crop (r->x, r->y);

      for (int row = 0; row < r->height; row++)
        memcpy (crop->pixels + (gsize) row * r->width,
                lum->pixels + (gsize) (r->y + row) * lum->width + r->x, r->width);
      read_matrix (crop, NULL, dm, &mapping, barcodes);
    }
}

/* Washed out by glare, zxing's local-average binarizer can lose a symbol
 * the global histogram still separates. Only what is still missing. */
static void
read_global_histogram (const MarLumImage      *lum,
                       const MarReaderOptions *options,
                       MarBarcodes            *barcodes)
{
  g_autoptr(MarReaderOptions) global = mar_reader_options_copy (options);
  Mapping identity = mapping_for_crop (0, 0);
  MarBarcodeFormats missing = wanted_formats (options);

  if (options->binarizer != MAR_BINARIZER_LOCAL_AVERAGE)
    return;
  if (has_format_in (barcodes, ~LINEAR_FORMATS))
    missing &= LINEAR_FORMATS;
  if (has_format_in (barcodes, LINEAR_FORMATS))
    missing &= ~LINEAR_FORMATS;
  if (missing == 0)
    return;

  global->formats = missing;
  global->binarizer = MAR_BINARIZER_GLOBAL_HISTOGRAM;
  read_all (lum, global, &identity, barcodes);
}

/* A long linear symbol far from the camera has bars two or three pixels
 * wide; thresholding loses whole modules to rounding. Read at twice the
 * size, edges fall between pixels where they belong. Only for small
 * images: a large one has the pixels already. */
#define UPSCALE_MAX_SIDE 2000

static void
read_upscaled (const MarLumImage      *lum,
               const MarReaderOptions *options,
               MarBarcodes            *barcodes)
{
  g_autoptr(MarLumImage) big = NULL;
  Mapping half = mapping_for_crop (0, 0);

  if (!linear_missing (options, barcodes) || MAX (lum->width, lum->height) > UPSCALE_MAX_SIDE)
    return;

  big = mar_lum_image_upscale2 (lum);
  half.divide = 2;
  read_linear (big, options, &half, barcodes);
}

/* Out of focus (a webcam at arm's length, a shaking hand), the narrow
 * bars of a long linear symbol blur into their neighbours and zxing reads
 * no row. An unsharp mask restores the edges; it helps most when it
 * matches the blur, so three strengths are tried, each also turned. */
static void
read_sharpened (const MarLumImage      *lum,
                const MarReaderOptions *options,
                double                  bar_angle,
                MarBarcodes            *barcodes)
{
  Mapping identity = mapping_for_crop (0, 0);

  for (double sigma : { 1.5, 2.0, 2.5 })
    {
      g_autoptr(MarLumImage) sharp = NULL;

      if (!linear_missing (options, barcodes))
        return;
      sharp = mar_lum_image_unsharp (lum, sigma);
      read_linear (sharp, options, &identity, barcodes);
      read_tilted (sharp, options, bar_angle, barcodes);
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
      g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
      g_autoptr(MarLumImage) converted = NULL;
      MarLumImage borrowed;
      const MarLumImage *lum;
      Mapping identity = mapping_for_crop (0, 0);

      /* A packed grey frame (the camera's GRAY8) is read where it lies;
       * anything else is turned into one, with zxing's own weights. */
      if (view->format == MAR_IMAGE_FORMAT_LUM && view->pix_stride == 1 && view->row_stride == view->width)
        {
          borrowed = MarLumImage { view->width, view->height, const_cast<guint8 *> (view->data) };
          lum = &borrowed;
        }
      else
        lum = converted = mar_lum_image_new_from_view (view);

      read_all (lum, options, &identity, barcodes);
      /* DataMatrix is the symbol of every GS1 medication label, and zxing
       * misses it off the centre lines: a few candidates even in a video
       * frame (cheap: crops of a few hundred pixels). */
      read_datamatrix_candidates (lum, options, options->thorough ? 12 : 4, barcodes);

      if (options->thorough && (gint64) lum->width * lum->height <= THOROUGH_MAX_PIXELS)
        {
          double bar_angle = -1;
          /* The costly fallbacks for linear symbols only run when there
           * are bars to be seen. */
          gboolean bars = linear_missing (options, barcodes) && mar_lum_image_find_bars (lum, &bar_angle);

          if (bars)
            read_tilted (lum, options, bar_angle, barcodes);
          read_global_histogram (lum, options, barcodes);
          if (bars)
            {
              read_upscaled (lum, options, barcodes);
              read_sharpened (lum, options, bar_angle, barcodes);
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
