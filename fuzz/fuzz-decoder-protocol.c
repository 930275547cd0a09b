/* fuzz-decoder-protocol.c — the decoder worker's message parsers
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both ends parse what the other sends: the worker a request from the app,
 * the app a response from a worker that may have been subverted by the
 * image it read. Neither parser may read out of bounds or crash on any
 * byte sequence.
 */

#include "config.h"

#include <string.h>

#include "mar-decoder-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  MarDecoderMessageHeader header;
  g_autofree guint8 *payload = NULL;
  gsize available;

  if (!mar_decoder_protocol_parse_header (data, size, &header, NULL))
    return 0;

  /* The payload as a reader gets it: exactly header.length bytes, in a
   * buffer of its own (so ASan sees any read past it). */
  available = size - MAR_DECODER_PROTOCOL_HEADER_SIZE;
  if (header.length > available)
    header.length = (guint32) available;
  payload = g_malloc (MAX (header.length, 1));
  memcpy (payload, data + MAR_DECODER_PROTOCOL_HEADER_SIZE, header.length);

  if (header.type == MAR_DECODER_MESSAGE_FRAME || header.type == MAR_DECODER_MESSAGE_FILE)
    {
      g_auto(MarDecoderRequest) request = { 0, };

      if (mar_decoder_protocol_parse_request (&header, payload, &request, NULL) && request.frame != NULL)
        {
          /* Every pixel the view claims must be inside the payload. */
          int w = mar_image_view_get_width (request.frame), h = mar_image_view_get_height (request.frame);
          g_autofree guint8 *lum = g_malloc ((gsize) w * h);

          mar_image_view_copy_luminance (request.frame, lum);
        }
    }
  else
    {
      g_autoptr(MarBarcodes) barcodes = mar_decoder_protocol_parse_response (&header, payload, NULL);

      for (guint i = 0; barcodes != NULL && i < mar_barcodes_get_size (barcodes); i++)
        {
          g_autofree char *scan = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, i), NULL);

          g_assert (scan != NULL);
          g_assert (g_utf8_validate (mar_barcode_get_text (mar_barcodes_get (barcodes, i)), -1, NULL));
        }
    }
  return 0;
}
