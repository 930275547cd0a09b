/* make-fuzz-seeds.c — starting inputs for the fuzzers
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes valid inputs (real symbols, well-formed protocol messages) into
 * two corpus directories, so that a short run in CI starts deep inside the
 * parsers rather than at their first check.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mar-decoder-protocol.h"
#include "mar-label.h"

static void
write_seed (const char   *dir,
            const char   *name,
            const guint8 *data,
            gsize         size)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    g_error ("%s", error->message);
}

static void
write_frame_seed (const char   *dir,
                  const char   *name,
                  MarSymbology  symbology,
                  const char   *payload)
{
  g_autoptr(MarSymbol) symbol = mar_symbol_new (symbology, payload, NULL);
  cairo_surface_t *surface = mar_symbol_render_image (symbol, 2, 16);
  int w = MIN (cairo_image_surface_get_width (surface), 96);
  int h = MIN (cairo_image_surface_get_height (surface), 96);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  g_autoptr(GByteArray) seed = g_byte_array_new ();
  guint8 head[6] = { (guint8) (w - 1), (guint8) (h - 1), 0, 0, 1 | 2, 0 };

  /* Header for fuzz-decode-image: size, LUM, no padding, harder + rotate. */
  g_byte_array_append (seed, head, sizeof head);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint8 v = pixels[(gsize) y * stride + (gsize) x * 4 + 1];

        g_byte_array_append (seed, &v, 1);
      }
  cairo_surface_destroy (surface);
  write_seed (dir, name, seed->data, seed->len);
}

int
main (int   argc,
      char *argv[])
{
  const char *image_dir, *protocol_dir;
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) frame = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GBytes) failure = NULL;
  guint8 pixels[8 * 4] = { 0, };
  g_autoptr(MarImageView) view = NULL;
  MarPosition p = { { 1, 2 }, { 3, 4 }, { 5, 6 }, { 7, 8 } };
  const guint8 gs1[] = "010030409012345910A12\x1d" "17271231";

  if (argc != 3)
    {
      g_printerr ("usage: %s IMAGE-CORPUS-DIR PROTOCOL-CORPUS-DIR\n", argv[0]);
      return 2;
    }
  image_dir = argv[1];
  protocol_dir = argv[2];
  g_mkdir_with_parents (image_dir, 0755);
  g_mkdir_with_parents (protocol_dir, 0755);

  write_frame_seed (image_dir, "qr", MAR_SYMBOL_QR, "MRN1");
  write_frame_seed (image_dir, "datamatrix", MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459");
  write_frame_seed (image_dir, "code128", MAR_SYMBOL_CODE128, "AB1");

  view = mar_image_view_new (pixels, 8, 4, MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  frame = mar_decoder_protocol_build_frame (1, options, view);
  write_seed (protocol_dir, "frame", g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
  file = mar_decoder_protocol_build_file (2, options, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  write_seed (protocol_dir, "file", g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  mar_barcodes_take (barcodes, mar_barcode_new (MAR_BARCODE_FORMAT_DATAMATRIX, MAR_CONTENT_TYPE_GS1, "]d2",
                                                gs1, sizeof gs1 - 1, (const char *) gs1, &p, 90, FALSE, FALSE));
  answer = mar_decoder_protocol_build_barcodes (3, barcodes, 640, 480);
  write_seed (protocol_dir, "barcodes", g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  {
    g_autoptr(GError) refused = g_error_new_literal (MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE, "refused");

    failure = mar_decoder_protocol_build_error (4, refused, 20000, 20000);
  }
  write_seed (protocol_dir, "error", g_bytes_get_data (failure, NULL), g_bytes_get_size (failure));
  return 0;
}
