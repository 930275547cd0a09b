/* test-reader.c — image views, the in-process zxing bridge, the worker protocol
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mar-decoder.h"
#include "mar-decoder-protocol.h"
#include "mar-label.h"
#include "mar-reader.h"
#include "mar-reader-image.h"
#include "mar-zxing-bridge.h"
#include "scan-test-image.h"

static ScanTestImage *
symbol_image (MarSymbology  symbology,
              const char   *data,
              int           module_px)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSymbol) symbol = mar_symbol_new (symbology, data, &error);
  cairo_surface_t *surface;
  ScanTestImage *image, *padded;

  g_assert_no_error (error);
  surface = mar_symbol_render_image (symbol, module_px, 60);
  image = scan_test_image_new_from_surface (surface);
  cairo_surface_destroy (surface);
  padded = scan_test_image_pad (image, 20);
  scan_test_image_free (image);
  return padded;
}

static MarBarcodes *
read_image (const ScanTestImage    *image,
            const MarReaderOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = mar_image_view_new (image->pixels, image->width, image->height,
                                                     MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  MarBarcodes *barcodes;

  g_assert_no_error (error);
  barcodes = mar_read_barcodes (view, options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (barcodes);
  return barcodes;
}

/* Image views */

static void
test_view_rejects_impossible_geometry (void)
{
  guint8 pixels[64] = { 0, };
  GError *error = NULL;

  g_assert_null (mar_image_view_new (pixels, 0, 0, MAR_IMAGE_FORMAT_LUM, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  g_assert_null (mar_image_view_new (pixels, 8, 8, MAR_IMAGE_FORMAT_LUM, 4, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  g_assert_null (mar_image_view_new (pixels, 8, 8, MAR_IMAGE_FORMAT_RGB, 0, 2, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  g_assert_null (mar_image_view_new (pixels, 8, 8, (MarImageFormat) 0x12345678, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  /* 8 × 8 RGB needs 192 bytes, not 64. */
  g_assert_null (mar_image_view_new_checked (pixels, sizeof pixels, 8, 8, MAR_IMAGE_FORMAT_RGB, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);
}

/* Refused before anything is allocated for the pixels. */
static void
test_view_rejects_huge_dimensions (void)
{
  guint8 pixel = 0;
  GError *error = NULL;

  g_assert_null (mar_image_view_new (&pixel, 100000, 100000, MAR_IMAGE_FORMAT_LUM, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (mar_image_view_new (&pixel, MAR_READER_MAX_DIMENSION, MAR_READER_MAX_DIMENSION,
                                     MAR_IMAGE_FORMAT_LUM, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (mar_image_view_new (&pixel, G_MAXINT, 1, MAR_IMAGE_FORMAT_RGBA, 0, 0, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE);
  g_clear_error (&error);
}

static void
test_view_luminance_formats (void)
{
  /* One pixel of pure red, green, blue in each layout. */
  const guint8 rgb[] = { 255, 0, 0, 0, 255, 0, 0, 0, 255 };
  const guint8 bgr[] = { 0, 0, 255, 0, 255, 0, 255, 0, 0 };
  const guint8 argb[] = { 9, 255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255 };
  const guint8 bgra[] = { 0, 0, 255, 9, 0, 255, 0, 9, 255, 0, 0, 9 };
  const struct { const guint8 *data; gsize size; MarImageFormat format; } cases[] = {
    { rgb, sizeof rgb, MAR_IMAGE_FORMAT_RGB },
    { bgr, sizeof bgr, MAR_IMAGE_FORMAT_BGR },
    { argb, sizeof argb, MAR_IMAGE_FORMAT_ARGB },
    { bgra, sizeof bgra, MAR_IMAGE_FORMAT_BGRA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MarImageView) view = mar_image_view_new_checked (cases[i].data, cases[i].size, 3, 1,
                                                                 cases[i].format, 0, 0, &error);
      guint8 lum[3];

      g_assert_no_error (error);
      mar_image_view_copy_luminance (view, lum);
      /* zxing's integer weights: 306/1024, 601/1024, 117/1024. */
      g_assert_cmpuint (lum[0], ==, 76);
      g_assert_cmpuint (lum[1], ==, 150);
      g_assert_cmpuint (lum[2], ==, 29);
    }
}

static void
test_view_crop_and_rotate (void)
{
  guint8 pixels[12];
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = NULL;

  /* 4 × 3:  0 1 2 3 / 4 5 6 7 / 8 9 10 11 */
  for (guint i = 0; i < 12; i++)
    pixels[i] = (guint8) i;
  view = mar_image_view_new (pixels, 4, 3, MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  g_assert_no_error (error);

  mar_image_view_rotate (view, 90);
  g_assert_cmpint (mar_image_view_get_width (view), ==, 3);
  g_assert_cmpint (mar_image_view_get_height (view), ==, 4);
  /* Clockwise: the bottom-left corner comes to the top left. */
  g_assert_cmpuint (mar_image_view_get_luminance (view, 0, 0), ==, 8);
  g_assert_cmpuint (mar_image_view_get_luminance (view, 2, 0), ==, 0);
  mar_image_view_rotate (view, 270);
  g_assert_cmpuint (mar_image_view_get_luminance (view, 0, 0), ==, 0);
  mar_image_view_rotate (view, 180);
  g_assert_cmpuint (mar_image_view_get_luminance (view, 0, 0), ==, 11);
  mar_image_view_rotate (view, 180);

  mar_image_view_crop (view, 1, 1, 2, 5);
  g_assert_cmpint (mar_image_view_get_width (view), ==, 2);
  g_assert_cmpint (mar_image_view_get_height (view), ==, 2);
  g_assert_cmpuint (mar_image_view_get_luminance (view, 0, 0), ==, 5);
  g_assert_cmpuint (mar_image_view_get_luminance (view, 1, 1), ==, 10);
}

static void
test_options_defaults (void)
{
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(MarReaderOptions) copy = NULL;

  g_assert_cmpuint (mar_reader_options_get_formats (options), ==, MAR_BARCODE_FORMATS_BEDSIDE);
  g_assert_true (mar_reader_options_get_try_harder (options));
  g_assert_true (mar_reader_options_get_try_rotate (options));
  g_assert_true (mar_reader_options_get_try_downscale (options));
  g_assert_false (mar_reader_options_get_is_pure (options));
  g_assert_cmpint (mar_reader_options_get_binarizer (options), ==, MAR_BINARIZER_LOCAL_AVERAGE);
  g_assert_cmpint (mar_reader_options_get_min_line_count (options), ==, 2);

  mar_reader_options_set_max_number_of_symbols (options, 1000);
  g_assert_cmpint (mar_reader_options_get_max_number_of_symbols (options), ==, 255);
  mar_reader_options_set_is_pure (options, TRUE);
  copy = mar_reader_options_copy (options);
  g_assert_true (mar_reader_options_get_is_pure (copy));
}

/* The bridge */

typedef struct
{
  MarSymbology      symbology;
  const char       *data;
  MarBarcodeFormat  format;
  const char       *symbology_identifier;
  const char       *bytes;       /* as decoded, GS as \x1d */
  const char       *name;
  gboolean          gs1;
} FormatCase;

static const FormatCase format_cases[] = {
  { MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459[10]A12[17]271231[21]S1",
    MAR_BARCODE_FORMAT_DATAMATRIX, "]d2", "010030409012345910A12\x1d" "1727123121S1", "GS1 DataMatrix", TRUE },
  { MAR_SYMBOL_DATAMATRIX, "BAG-000123", MAR_BARCODE_FORMAT_DATAMATRIX, "]d1", "BAG-000123", "DataMatrix", FALSE },
  { MAR_SYMBOL_CODE128, "MRN0012345", MAR_BARCODE_FORMAT_CODE128, "]C0", "MRN0012345", "Code 128", FALSE },
  { MAR_SYMBOL_GS1_128, "[01]00304090123459[10]LOT7[17]271231",
    MAR_BARCODE_FORMAT_CODE128, "]C1", "0100304090123459" "10LOT7\x1d" "17271231", "GS1-128", TRUE },
  { MAR_SYMBOL_QR, "RX-2026-000042", MAR_BARCODE_FORMAT_QRCODE, "]Q1", "RX-2026-000042", "QR Code", FALSE },
  { MAR_SYMBOL_GS1_QR, "[01]00304090123459[21]ABC",
    MAR_BARCODE_FORMAT_QRCODE, "]Q3", "010030409012345921ABC", "GS1 QR Code", TRUE },
  { MAR_SYMBOL_PDF417, "STAFF-RN-0042", MAR_BARCODE_FORMAT_PDF417, "]L2", "STAFF-RN-0042", "PDF417", FALSE },
  /* zxing 1.4 gives DataBar Expanded as "(01)…(10)…": the bridge turns it
   * into the element string like every other GS1 symbol. */
  { MAR_SYMBOL_GS1_DATABAR_EXPANDED, "[01]00304090123459[10]A1[17]271231",
    MAR_BARCODE_FORMAT_DATABAR_EXPANDED, "]e0", "010030409012345910A1\x1d" "17271231", "GS1 DataBar Expanded", TRUE },
  { MAR_SYMBOL_EAN13, "400638133393", MAR_BARCODE_FORMAT_EAN13, "]E0", "4006381333931", "EAN-13", FALSE },
};

static void
test_bridge_reads_format (gconstpointer data)
{
  const FormatCase *c = data;
  g_autoptr(ScanTestImage) image = symbol_image (c->symbology, c->data, 4);
  g_autoptr(MarBarcodes) barcodes = read_image (image, NULL);
  g_autofree char *scan_data = NULL;
  MarBarcode *barcode;
  const guint8 *bytes;
  gsize n_bytes;

  g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 1);
  barcode = mar_barcodes_get (barcodes, 0);
  g_assert_cmpint (mar_barcode_get_format (barcode), ==, c->format);
  g_assert_cmpstr (mar_barcode_get_symbology_identifier (barcode), ==, c->symbology_identifier);
  g_assert_cmpstr (mar_barcode_get_symbology_name (barcode), ==, c->name);
  g_assert_cmpint (mar_barcode_is_gs1 (barcode), ==, c->gs1);
  bytes = mar_barcode_get_bytes (barcode, &n_bytes);
  g_assert_cmpmem (bytes, n_bytes, c->bytes, strlen (c->bytes));
  g_assert_cmpuint (bytes[n_bytes], ==, 0);

  scan_data = mar_barcode_dup_scan_data (barcode, &n_bytes);
  g_assert_true (g_str_has_prefix (scan_data, c->symbology_identifier));
  g_assert_cmpstr (scan_data + 3, ==, c->bytes);
}

static void
test_bridge_formats_filter (void)
{
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459", 4);
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(MarBarcodes) none = NULL;
  g_autoptr(MarBarcodes) some = NULL;

  mar_reader_options_set_formats (options, MAR_BARCODE_FORMAT_QRCODE);
  none = read_image (image, options);
  g_assert_cmpuint (mar_barcodes_get_size (none), ==, 0);

  mar_reader_options_set_formats (options, MAR_BARCODE_FORMAT_QRCODE | MAR_BARCODE_FORMAT_DATAMATRIX);
  some = read_image (image, options);
  g_assert_cmpuint (mar_barcodes_get_size (some), ==, 1);
}

static void
test_bridge_colour_and_rotated_views (void)
{
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_CODE128, "MRN0012345", 3);
  g_autofree guint8 *rgb = g_malloc ((gsize) image->width * image->height * 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = NULL;

  for (gsize i = 0; i < (gsize) image->width * image->height; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = image->pixels[i];
  view = mar_image_view_new (rgb, image->width, image->height, MAR_IMAGE_FORMAT_RGB, 0, 0, &error);
  g_assert_no_error (error);

  for (int degrees = 0; degrees < 360; degrees += 90)
    {
      g_autoptr(MarBarcodes) barcodes = mar_read_barcodes (view, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 1);
      g_assert_cmpstr (mar_barcode_get_text (mar_barcodes_get (barcodes, 0)), ==, "MRN0012345");
      mar_image_view_rotate (view, 90);
    }
}

static void
test_bridge_blank_image_reads_nothing (void)
{
  g_autoptr(ScanTestImage) image = scan_test_image_new_background (640, 480, 7);
  g_autoptr(MarBarcodes) barcodes = read_image (image, NULL);

  g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 0);
}

static void
test_bridge_backend (void)
{
  g_assert_cmpstr (mar_read_barcodes_backend (), ==, "zxing-cpp 1.4.0");
}

/* zxing reports DMRE with modifiers 7 and 8; the parser gets 16022's. */
static void
test_barcode_dmre_identifier_folded (void)
{
  g_autoptr(MarBarcode) gs1 = mar_barcode_new (MAR_BARCODE_FORMAT_DATAMATRIX, MAR_CONTENT_TYPE_GS1,
                                               "]d8", (const guint8 *) "0100304090123459", 16,
                                               "0100304090123459", NULL, 0, FALSE, FALSE);
  g_autoptr(MarBarcode) plain = mar_barcode_new (MAR_BARCODE_FORMAT_DATAMATRIX, MAR_CONTENT_TYPE_TEXT,
                                                 "]d7", (const guint8 *) "ABC", 3, "ABC", NULL, 0, FALSE, FALSE);
  g_autofree char *scan = mar_barcode_dup_scan_data (gs1, NULL);

  g_assert_cmpstr (mar_barcode_get_symbology_identifier (gs1), ==, "]d8");
  g_assert_cmpstr (mar_barcode_get_aim_identifier (gs1), ==, "]d2");
  g_assert_cmpstr (mar_barcode_get_aim_identifier (plain), ==, "]d1");
  g_assert_cmpstr (scan, ==, "]d20100304090123459");
  g_assert_true (mar_barcode_is_gs1 (gs1));
}

/* zxing 1.4 aborts the process when it compares two results of one linear
 * symbol read on several rows: a Code 128 tilted a few degrees (row and
 * column scans both read it, and its pyramid reads it at two sizes), a
 * DataBar (estimated line counts), the same symbol twice. These run in
 * this process: an abort fails the whole test program. */
static void
test_bridge_survives_zxing_assertion_cases (void)
{
  const struct { MarSymbology symbology; const char *data; } cases[] = {
    { MAR_SYMBOL_CODE128, "MRN0012345" },
    { MAR_SYMBOL_GS1_128, "[01]00304090123459[17]271231[10]H77" },
    { MAR_SYMBOL_GS1_DATABAR_EXPANDED, "[01]00304090123459[10]A1[17]271231" },
    { MAR_SYMBOL_EAN13, "400638133393" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int degrees = 0; degrees <= 14; degrees += 2)
      {
        g_autoptr(ScanTestImage) flat = symbol_image (cases[c].symbology, cases[c].data, 4);
        g_autoptr(ScanTestImage) turned = scan_test_image_rotate (flat, degrees);
        g_autoptr(ScanTestImage) big = scan_test_image_pad (turned, 200);
        g_autoptr(MarBarcodes) barcodes = read_image (big, NULL);

        if (mar_barcodes_get_size (barcodes) != 1)
          g_test_message ("case %u at %d°: %u symbols", c, degrees, mar_barcodes_get_size (barcodes));
      }
}

/* Two identical labels side by side: both are found, and zxing is never
 * asked to compare them. */
static void
test_bridge_reads_two_identical_linear_symbols (void)
{
  g_autoptr(ScanTestImage) one = symbol_image (MAR_SYMBOL_CODE128, "RX-2026-000042", 3);
  g_autoptr(ScanTestImage) canvas = scan_test_image_new (one->width * 2 + 40, one->height * 2 + 60, 255);
  g_autoptr(MarBarcodes) barcodes = NULL;

  scan_test_image_paste (canvas, one, 0, 0);
  scan_test_image_paste (canvas, one, one->width + 40, one->height + 60);
  barcodes = read_image (canvas, NULL);
  /* One payload, reported once (the payload is what a scan means). */
  g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 1);
}

/* A GS1 DataMatrix in a corner of a big picture, away from the centre
 * lines zxing 1.4 searches along. */
static void
test_bridge_finds_datamatrix_off_centre (void)
{
  g_autoptr(ScanTestImage) symbol = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459[21]X7", 4);
  g_autoptr(ScanTestImage) turned = scan_test_image_rotate (symbol, 30);
  g_autoptr(ScanTestImage) canvas = scan_test_image_new_background (1280, 720, 3);
  g_autoptr(MarBarcodes) barcodes = NULL;

  scan_test_image_paste (canvas, turned, 40, 30);
  barcodes = read_image (canvas, NULL);
  g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 1);
  g_assert_true (mar_barcode_is_gs1 (mar_barcodes_get (barcodes, 0)));
}

/* A Code 128 at 45° is read only by a thorough reading (zxing reads bars
 * along rows and columns), which also says where it is. */
static void
test_bridge_thorough_reads_tilted_linear (void)
{
  g_autoptr(ScanTestImage) flat = symbol_image (MAR_SYMBOL_CODE128, "MRN0012345", 4);
  g_autoptr(ScanTestImage) turned = scan_test_image_rotate (flat, 45);
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(MarBarcodes) quick = read_image (turned, options);
  g_autoptr(MarBarcodes) thorough = NULL;
  MarPosition p;

  g_assert_cmpuint (mar_barcodes_get_size (quick), ==, 0);
  mar_reader_options_set_thorough (options, TRUE);
  thorough = read_image (turned, options);
  g_assert_cmpuint (mar_barcodes_get_size (thorough), ==, 1);
  g_assert_cmpstr (mar_barcode_get_text (mar_barcodes_get (thorough, 0)), ==, "MRN0012345");
  /* Mapped back into the picture it came from. */
  mar_barcode_get_position (mar_barcodes_get (thorough, 0), &p);
  g_assert_cmpint (p.top_left.x, >=, 0);
  g_assert_cmpint (p.top_left.x, <, turned->width);
  g_assert_cmpint (p.top_left.y, >=, 0);
  g_assert_cmpint (p.top_left.y, <, turned->height);
}

static MarLumImage *
lum_of (const ScanTestImage *image)
{
  MarLumImage *lum = mar_lum_image_new (image->width, image->height);

  memcpy (lum->pixels, image->pixels, (gsize) image->width * image->height);
  return lum;
}

static void
test_image_find_bars (void)
{
  g_autoptr(ScanTestImage) bars = symbol_image (MAR_SYMBOL_GS1_128, "[01]00304090123459[17]271231[10]H77", 3);
  g_autoptr(ScanTestImage) turned = scan_test_image_rotate (bars, 30);
  g_autoptr(ScanTestImage) dm = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459[17]271231[10]H77", 6);
  g_autoptr(ScanTestImage) blank = scan_test_image_new_background (640, 480, 1);
  g_autoptr(MarLumImage) a = lum_of (turned);
  g_autoptr(MarLumImage) b = lum_of (dm);
  g_autoptr(MarLumImage) c = lum_of (blank);
  double angle;

  g_assert_true (mar_lum_image_find_bars (a, &angle));
  /* Gradients run across the bars. The test image turns counter-clockwise
   * on screen, which with y pointing down is −30°: 150°, folded into
   * [0°, 90°) 60°. Within the ±7.5° the turned readings allow. */
  g_assert_cmpfloat (fabs (angle - 60), <, 6);
  g_assert_false (mar_lum_image_find_bars (b, &angle));
  g_assert_false (mar_lum_image_find_bars (c, &angle));
}

static void
test_image_turn_maps_back (void)
{
  g_autoptr(MarLumImage) image = mar_lum_image_new (200, 100);
  g_autoptr(MarLumImage) turned = NULL;
  MarTurn turn;
  double x, y;

  /* A dark dot at (150, 20), turned by 90°: where it lands maps back. */
  memset (image->pixels, 255, 200 * 100);
  image->pixels[20 * 200 + 150] = 0;
  turned = mar_lum_image_turn (image, 90, &turn);
  g_assert_cmpint (turned->width, ==, 100);
  g_assert_cmpint (turned->height, ==, 200);
  for (int ty = 0; ty < turned->height; ty++)
    for (int tx = 0; tx < turned->width; tx++)
      if (turned->pixels[ty * turned->width + tx] < 128)
        {
          mar_turn_map_point (&turn, tx, ty, &x, &y);
          g_assert_cmpfloat (fabs (x - 150), <, 1.01);
          g_assert_cmpfloat (fabs (y - 20), <, 1.01);
        }
}

/* The protocol */

static GBytes *
split_message (GBytes                  *message,
               MarDecoderMessageHeader *header)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);
  g_autoptr(GError) error = NULL;

  g_assert_true (mar_decoder_protocol_parse_header (data, size, header, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (header->length, ==, size - MAR_DECODER_PROTOCOL_HEADER_SIZE);
  return g_bytes_new_from_bytes (message, MAR_DECODER_PROTOCOL_HEADER_SIZE, header->length);
}

static void
test_protocol_frame_round_trip (void)
{
  guint8 rgba[5 * 3 * 4];
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = NULL;
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_auto(MarDecoderRequest) request = { 0, };
  MarDecoderMessageHeader header;

  for (guint i = 0; i < sizeof rgba; i++)
    rgba[i] = (guint8) (i * 7);
  view = mar_image_view_new (rgba, 5, 3, MAR_IMAGE_FORMAT_RGBA, 0, 0, &error);
  g_assert_no_error (error);
  mar_reader_options_set_formats (options, MAR_BARCODE_FORMAT_QRCODE | MAR_BARCODE_FORMAT_EAN13);
  mar_reader_options_set_try_rotate (options, FALSE);
  mar_reader_options_set_binarizer (options, MAR_BINARIZER_FIXED_THRESHOLD);

  message = mar_decoder_protocol_build_frame (42, options, view);
  payload = split_message (message, &header);
  g_assert_cmpint (header.type, ==, MAR_DECODER_MESSAGE_FRAME);
  g_assert_cmpuint (header.sequence, ==, 42);

  g_assert_true (mar_decoder_protocol_parse_request (&header, g_bytes_get_data (payload, NULL), &request, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mar_reader_options_get_formats (request.options), ==,
                    MAR_BARCODE_FORMAT_QRCODE | MAR_BARCODE_FORMAT_EAN13);
  g_assert_false (mar_reader_options_get_try_rotate (request.options));
  g_assert_true (mar_reader_options_get_try_harder (request.options));
  g_assert_cmpint (mar_reader_options_get_binarizer (request.options), ==, MAR_BINARIZER_FIXED_THRESHOLD);
  g_assert_cmpint (mar_image_view_get_width (request.frame), ==, 5);
  g_assert_cmpint (mar_image_view_get_height (request.frame), ==, 3);
  g_assert_cmpint (mar_image_view_get_format (request.frame), ==, MAR_IMAGE_FORMAT_LUM);
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 5; x++)
      g_assert_cmpuint (mar_image_view_get_luminance (request.frame, x, y), ==,
                        mar_image_view_get_luminance (view, x, y));
}

static void
test_protocol_barcodes_round_trip (void)
{
  g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
  g_autoptr(MarBarcodes) parsed = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  MarDecoderMessageHeader header;
  MarPosition p = { { 1, 2 }, { 30, -4 }, { 31, 40 }, { 0, 41 } }, q;
  const guint8 bytes[] = { '0', '1', 0x1d, 0x00, 0xff, 'Z' };
  MarBarcode *b;
  const guint8 *got;
  gsize n;

  mar_barcodes_take (barcodes, mar_barcode_new (MAR_BARCODE_FORMAT_DATAMATRIX, MAR_CONTENT_TYPE_BINARY,
                                                "]d1", bytes, sizeof bytes, "01\x1d", &p, -90, TRUE, TRUE));
  mar_barcodes_take (barcodes, mar_barcode_new (MAR_BARCODE_FORMAT_CODE128, MAR_CONTENT_TYPE_TEXT,
                                                "]C0", (const guint8 *) "X", 1, "X", NULL, 0, FALSE, FALSE));
  message = mar_decoder_protocol_build_barcodes (7, barcodes, 640, 480);
  payload = split_message (message, &header);
  g_assert_cmpint (header.type, ==, MAR_DECODER_MESSAGE_BARCODES);

  parsed = mar_decoder_protocol_parse_response (&header, g_bytes_get_data (payload, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mar_barcodes_get_size (parsed), ==, 2);
  b = mar_barcodes_get (parsed, 0);
  g_assert_cmpint (mar_barcode_get_format (b), ==, MAR_BARCODE_FORMAT_DATAMATRIX);
  g_assert_cmpint (mar_barcode_get_content_type (b), ==, MAR_CONTENT_TYPE_BINARY);
  g_assert_cmpstr (mar_barcode_get_symbology_identifier (b), ==, "]d1");
  got = mar_barcode_get_bytes (b, &n);
  g_assert_cmpmem (got, n, bytes, sizeof bytes);
  g_assert_cmpstr (mar_barcode_get_text (b), ==, "01\x1d");
  mar_barcode_get_position (b, &q);
  g_assert_cmpmem (&q, sizeof q, &p, sizeof p);
  g_assert_cmpint (mar_barcode_get_orientation (b), ==, -90);
  g_assert_true (mar_barcode_is_mirrored (b));
  g_assert_true (mar_barcode_has_eci (b));
  g_assert_true (mar_barcode_same_payload (mar_barcodes_get (parsed, 1), mar_barcodes_get (barcodes, 1)));
}

static void
test_protocol_error_round_trip (void)
{
  g_autoptr(GError) sent = g_error_new_literal (MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE, "refused");
  g_autoptr(GBytes) message = mar_decoder_protocol_build_error (9, sent, 20000, 30000);
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GError) error = NULL;
  MarDecoderMessageHeader header;

  payload = split_message (message, &header);
  g_assert_null (mar_decoder_protocol_parse_response (&header, g_bytes_get_data (payload, NULL), &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE);
  /* The message is ours, for people, with the size. */
  g_assert_nonnull (strstr (error->message, "20000 × 30000"));
}

/* Every prefix of a valid message, and thousands of corrupted copies, are
 * refused or parsed without crashing (valgrind/ASan watch the rest). */
static void
test_protocol_malformed_messages (void)
{
  g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  const guint8 *data;
  gsize size;

  mar_barcodes_take (barcodes, mar_barcode_new (MAR_BARCODE_FORMAT_QRCODE, MAR_CONTENT_TYPE_TEXT,
                                                "]Q1", (const guint8 *) "hello", 5, "hello", NULL, 0, FALSE, FALSE));
  message = mar_decoder_protocol_build_barcodes (1, barcodes, 1, 1);
  data = g_bytes_get_data (message, &size);

  for (gsize cut = 0; cut < size; cut++)
    {
      MarDecoderMessageHeader header;
      g_autoptr(GError) error = NULL;
      g_autoptr(MarBarcodes) parsed = NULL;

      if (!mar_decoder_protocol_parse_header (data, cut, &header, &error))
        {
          g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL);
          continue;
        }
      /* A header that promises more than arrived: parse what there is. */
      header.length = (guint32) (cut - MAR_DECODER_PROTOCOL_HEADER_SIZE);
      parsed = mar_decoder_protocol_parse_response (&header, data + MAR_DECODER_PROTOCOL_HEADER_SIZE, &error);
      if (cut < size)
        {
          g_assert_null (parsed);
          g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL);
        }
    }

  for (int i = 0; i < 20000; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      MarDecoderMessageHeader header;
      g_autoptr(MarBarcodes) parsed = NULL;
      g_auto(MarDecoderRequest) request = { 0, };
      int flips = g_rand_int_range (rand, 1, 4);

      for (int k = 0; k < flips; k++)
        copy[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int_range (rand, 0, 256);
      if (!mar_decoder_protocol_parse_header (copy, size, &header, NULL))
        continue;
      header.length = MIN (header.length, (guint32) (size - MAR_DECODER_PROTOCOL_HEADER_SIZE));
      if (header.type == MAR_DECODER_MESSAGE_FRAME || header.type == MAR_DECODER_MESSAGE_FILE)
        mar_decoder_protocol_parse_request (&header, copy + MAR_DECODER_PROTOCOL_HEADER_SIZE, &request, NULL);
      else
        parsed = mar_decoder_protocol_parse_response (&header, copy + MAR_DECODER_PROTOCOL_HEADER_SIZE, NULL);
    }
}

static void
test_protocol_rejects_bad_headers (void)
{
  guint8 head[MAR_DECODER_PROTOCOL_HEADER_SIZE];
  MarDecoderMessageHeader header;
  GError *error = NULL;

  mar_decoder_protocol_write_header (head, MAR_DECODER_MESSAGE_FRAME, 1, MAR_DECODER_PROTOCOL_MAX_PAYLOAD + 1);
  g_assert_false (mar_decoder_protocol_parse_header (head, sizeof head, &header, &error));
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL);
  g_clear_error (&error);

  mar_decoder_protocol_write_header (head, (MarDecoderMessageType) 99, 1, 0);
  g_assert_false (mar_decoder_protocol_parse_header (head, sizeof head, &header, &error));
  g_clear_error (&error);

  mar_decoder_protocol_write_header (head, MAR_DECODER_MESSAGE_FILE, 1, 0);
  head[4] = 2;     /* version 2 */
  g_assert_false (mar_decoder_protocol_parse_header (head, sizeof head, &header, &error));
  g_clear_error (&error);

  mar_decoder_protocol_write_header (head, MAR_DECODER_MESSAGE_FILE, 1, 0);
  head[0] = 'X';
  g_assert_false (mar_decoder_protocol_parse_header (head, sizeof head, &header, &error));
  g_clear_error (&error);
}

/* A frame header that claims a huge image is refused before any use. */
static void
test_protocol_rejects_huge_frame (void)
{
  guint8 payload[12 + 16] = { 0, };
  MarDecoderMessageHeader header = { MAR_DECODER_MESSAGE_FRAME, 1, sizeof payload };
  g_auto(MarDecoderRequest) request = { 0, };
  GError *error = NULL;

  /* width 60000, height 60000, LUM, stride 60000 — and no pixels. */
  payload[12] = 0x60; payload[13] = 0xea;
  payload[16] = 0x60; payload[17] = 0xea;
  payload[23] = 0x01;
  payload[24] = 0x60; payload[25] = 0xea;
  g_assert_false (mar_decoder_protocol_parse_request (&header, payload, &request, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* 10 × 10 but only 0 pixel bytes. */
  payload[12] = 10; payload[13] = 0;
  payload[16] = 10; payload[17] = 0;
  payload[24] = 10; payload[25] = 0;
  g_assert_false (mar_decoder_protocol_parse_request (&header, payload, &request, &error));
  g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_INVALID_IMAGE);
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scan/reader/view/rejects-impossible-geometry", test_view_rejects_impossible_geometry);
  g_test_add_func ("/scan/reader/view/rejects-huge-dimensions", test_view_rejects_huge_dimensions);
  g_test_add_func ("/scan/reader/view/luminance-formats", test_view_luminance_formats);
  g_test_add_func ("/scan/reader/view/crop-and-rotate", test_view_crop_and_rotate);
  g_test_add_func ("/scan/reader/options/defaults", test_options_defaults);
  for (guint i = 0; i < G_N_ELEMENTS (format_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scan/reader/bridge/format/%s", format_cases[i].name);

      for (char *p = path; *p; p++)
        if (*p == ' ')
          *p = '-';
      g_test_add_data_func (path, &format_cases[i], test_bridge_reads_format);
    }
  g_test_add_func ("/scan/reader/bridge/formats-filter", test_bridge_formats_filter);
  g_test_add_func ("/scan/reader/bridge/colour-and-rotated-views", test_bridge_colour_and_rotated_views);
  g_test_add_func ("/scan/reader/bridge/blank-image-reads-nothing", test_bridge_blank_image_reads_nothing);
  g_test_add_func ("/scan/reader/bridge/backend", test_bridge_backend);
  g_test_add_func ("/scan/reader/barcode/dmre-identifier-folded", test_barcode_dmre_identifier_folded);
  g_test_add_func ("/scan/reader/bridge/survives-zxing-assertion-cases", test_bridge_survives_zxing_assertion_cases);
  g_test_add_func ("/scan/reader/bridge/two-identical-linear-symbols", test_bridge_reads_two_identical_linear_symbols);
  g_test_add_func ("/scan/reader/bridge/datamatrix-off-centre", test_bridge_finds_datamatrix_off_centre);
  g_test_add_func ("/scan/reader/bridge/thorough-reads-tilted-linear", test_bridge_thorough_reads_tilted_linear);
  g_test_add_func ("/scan/reader/image/find-bars", test_image_find_bars);
  g_test_add_func ("/scan/reader/image/turn-maps-back", test_image_turn_maps_back);
  g_test_add_func ("/scan/reader/protocol/frame-round-trip", test_protocol_frame_round_trip);
  g_test_add_func ("/scan/reader/protocol/barcodes-round-trip", test_protocol_barcodes_round_trip);
  g_test_add_func ("/scan/reader/protocol/error-round-trip", test_protocol_error_round_trip);
  g_test_add_func ("/scan/reader/protocol/malformed-messages", test_protocol_malformed_messages);
  g_test_add_func ("/scan/reader/protocol/rejects-bad-headers", test_protocol_rejects_bad_headers);
  g_test_add_func ("/scan/reader/protocol/rejects-huge-frame", test_protocol_rejects_huge_frame);

  return g_test_run ();
}
