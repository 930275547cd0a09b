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

#include <exception>
#include <string>

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
       .setTryDownscale (options->try_downscale)
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

static MarBarcode *
barcode_from_result (const ZXing::Result &result)
{
  const ZXing::Position &p = result.position ();
  const ZXing::ByteArray &raw = result.bytes ();
  std::string bytes (raw.begin (), raw.end ());
  std::string text = result.text ();
  const std::string si = result.symbologyIdentifier ();
  MarContentType content_type = content_type_from_zxing (result.contentType ());
  std::string element_string;
  MarPosition position = {
    { p.topLeft ().x, p.topLeft ().y },
    { p.topRight ().x, p.topRight ().y },
    { p.bottomRight ().x, p.bottomRight ().y },
    { p.bottomLeft ().x, p.bottomLeft ().y },
  };

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
      ZXing::Results results = ZXing::ReadBarcodes (iv, hints_from_options (options));
      g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();

      for (const ZXing::Result &result : results)
        if (result.isValid ())
          mar_barcodes_take (barcodes, barcode_from_result (result));

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
