/* mar-decoder-protocol.h — the messages between the app and its decoder worker
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small length-prefixed binary protocol over a Unix stream socket (the
 * worker's fd 3). Every message is a 16-byte header followed by its
 * payload; all integers are little-endian.
 *
 *   header   u32 magic "MDEC" (0x4345444d) | u16 version (1) | u16 type
 *            | u32 sequence | u32 payload length (<= MAR_DECODER_PROTOCOL_MAX_PAYLOAD)
 *
 *   options  u32 formats | u8 binarizer | u8 max symbols | u8 min line count
 *            | u8 flags (1 try harder, 2 try rotate, 4 try downscale, 8 pure,
 *              16 try tilted)
 *            | u32 reserved (0)                                    (12 bytes)
 *
 *   FRAME    options | u32 width | u32 height | u32 pixel format (LUM)
 *            | u32 row stride | pixels (row stride × height bytes)
 *   FILE     options | u32 length | the encoded file (PNG, JPEG, ...)
 *
 *   BARCODES u32 image width | u32 image height | u32 count | count × barcode:
 *            u32 format | u8 content type | u8 flags (1 mirrored, 2 ECI)
 *            | i16 orientation | 8 × i32 corners (tl, tr, br, bl as x, y)
 *            | u8 n + symbology identifier | u32 n + bytes | u32 n + UTF-8 text
 *   ERROR    u32 code (MarReaderError) | u32 image width | u32 image height
 *            | u32 n + detail (UTF-8, for logs; never shown as is)
 *
 * The parent sends one request and waits for the response with the same
 * sequence number; the worker answers every request it can parse and
 * exits on anything else. Colour frames are converted to luminance by the
 * sender (the arithmetic is zxing's own), so frames cross as 1 byte/pixel.
 *
 * Every parser here checks every length before reading and refuses
 * anything inconsistent: the parent must survive a worker that writes
 * garbage, and the worker a parent that does.
 */

#pragma once

#include <glib.h>

#include "mar-reader.h"

G_BEGIN_DECLS

#define MAR_DECODER_PROTOCOL_MAGIC        0x4345444du
#define MAR_DECODER_PROTOCOL_VERSION      1
#define MAR_DECODER_PROTOCOL_HEADER_SIZE  16
/* A 40-megapixel frame plus headers; a file request is capped lower. */
#define MAR_DECODER_PROTOCOL_MAX_PAYLOAD  (MAR_READER_MAX_PIXELS + 4096)
/* Per symbol: far above any DataMatrix (3116 bytes) or QR (7089 digits). */
#define MAR_DECODER_PROTOCOL_MAX_SYMBOL_BYTES 65536

typedef enum
{
  MAR_DECODER_MESSAGE_FRAME    = 1,
  MAR_DECODER_MESSAGE_FILE     = 2,
  MAR_DECODER_MESSAGE_BARCODES = 16,
  MAR_DECODER_MESSAGE_ERROR    = 17,
} MarDecoderMessageType;

typedef struct
{
  MarDecoderMessageType type;
  guint32               sequence;
  guint32               length;
} MarDecoderMessageHeader;

/* A parsed request. The pointers borrow from the payload it came from. */
typedef struct
{
  MarDecoderMessageType  type;
  MarReaderOptions      *options;      /* owned */
  MarImageView          *frame;        /* owned view; FRAME only */
  const guint8          *file_data;    /* FILE only */
  gsize                  file_length;
} MarDecoderRequest;

void         mar_decoder_request_clear             (MarDecoderRequest        *request);

/* Writes the 16-byte header into @out. */
void         mar_decoder_protocol_write_header     (guint8                   *out,
                                                    MarDecoderMessageType     type,
                                                    guint32                   sequence,
                                                    guint32                   length);
gboolean     mar_decoder_protocol_parse_header     (const guint8             *data,
                                                    gsize                     length,
                                                    MarDecoderMessageHeader  *header,
                                                    GError                  **error);

/* Whole messages (header included), ready to write. */
GBytes      *mar_decoder_protocol_build_frame      (guint32                   sequence,
                                                    const MarReaderOptions   *options,
                                                    const MarImageView       *view);
GBytes      *mar_decoder_protocol_build_file       (guint32                   sequence,
                                                    const MarReaderOptions   *options,
                                                    const guint8             *data,
                                                    gsize                     length);
GBytes      *mar_decoder_protocol_build_barcodes   (guint32                   sequence,
                                                    const MarBarcodes        *barcodes,
                                                    int                       image_width,
                                                    int                       image_height);
/* @error must be in MAR_READER_ERROR; anything else goes as _FAILED. */
GBytes      *mar_decoder_protocol_build_error      (guint32                   sequence,
                                                    const GError             *error,
                                                    int                       image_width,
                                                    int                       image_height);

/* Parses a FRAME or FILE payload. */
gboolean     mar_decoder_protocol_parse_request    (const MarDecoderMessageHeader *header,
                                                    const guint8             *payload,
                                                    MarDecoderRequest        *request,
                                                    GError                  **error);
/* Parses a BARCODES or ERROR payload: the barcodes, or NULL with @error
 * set to the worker's MAR_READER_ERROR (with a message for people) or to
 * MAR_DECODER_ERROR_PROTOCOL. */
MarBarcodes *mar_decoder_protocol_parse_response   (const MarDecoderMessageHeader *header,
                                                    const guint8             *payload,
                                                    GError                  **error);

/* The message for people that goes with a MAR_READER_ERROR code. */
char        *mar_decoder_protocol_describe_error   (MarReaderError            code,
                                                    int                       image_width,
                                                    int                       image_height);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MarDecoderRequest, mar_decoder_request_clear)

G_END_DECLS
