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

static MarBarcode *
barcode_from_result (const ZXing::Result &result)
{
  const ZXing::Position &p = result.position ();
  const ZXing::ByteArray &bytes = result.bytes ();
  const std::string text = result.text ();
  const std::string si = result.symbologyIdentifier ();
  MarPosition position = {
    { p.topLeft ().x, p.topLeft ().y },
    { p.topRight ().x, p.topRight ().y },
    { p.bottomRight ().x, p.bottomRight ().y },
    { p.bottomLeft ().x, p.bottomLeft ().y },
  };

  return mar_barcode_new (static_cast<MarBarcodeFormat> (result.format ()),
                          content_type_from_zxing (result.contentType ()),
                          si.c_str (),
                          bytes.data (), bytes.size (),
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
