/* mar-decoder-protocol.c — build and parse decoder worker messages
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-decoder"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-decoder.h"
#include "mar-decoder-protocol.h"
#include "mar-reader-private.h"

G_DEFINE_QUARK (mar-decoder-error-quark, mar_decoder_error)

#define OPTIONS_SIZE 12
#define MAX_DETAIL   1024
#define MAX_SYMBOLS  255

enum
{
  OPTION_TRY_HARDER    = 1 << 0,
  OPTION_TRY_ROTATE    = 1 << 1,
  OPTION_TRY_DOWNSCALE = 1 << 2,
  OPTION_IS_PURE       = 1 << 3,
  OPTION_THOROUGH    = 1 << 4,
};

enum
{
  BARCODE_MIRRORED = 1 << 0,
  BARCODE_HAS_ECI  = 1 << 1,
};

/* Writing */

static void
put_u8 (GByteArray *out,
        guint8      v)
{
  g_byte_array_append (out, &v, 1);
}

static void
put_u16 (GByteArray *out,
         guint16     v)
{
  guint8 b[2] = { v & 0xff, (v >> 8) & 0xff };

  g_byte_array_append (out, b, sizeof b);
}

static void
put_u32 (GByteArray *out,
         guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff };

  g_byte_array_append (out, b, sizeof b);
}

static void
put_i32 (GByteArray *out,
         gint32      v)
{
  put_u32 (out, (guint32) v);
}

static void
put_bytes32 (GByteArray   *out,
             const guint8 *data,
             gsize         length)
{
  put_u32 (out, (guint32) length);
  if (length > 0)
    g_byte_array_append (out, data, (guint) length);
}

void
mar_decoder_protocol_write_header (guint8                *out,
                                   MarDecoderMessageType  type,
                                   guint32                sequence,
                                   guint32                length)
{
  guint32 magic = MAR_DECODER_PROTOCOL_MAGIC;
  guint16 version = MAR_DECODER_PROTOCOL_VERSION;
  guint16 t = (guint16) type;

  out[0] = magic & 0xff; out[1] = (magic >> 8) & 0xff; out[2] = (magic >> 16) & 0xff; out[3] = magic >> 24;
  out[4] = version & 0xff; out[5] = version >> 8;
  out[6] = t & 0xff; out[7] = t >> 8;
  out[8] = sequence & 0xff; out[9] = (sequence >> 8) & 0xff; out[10] = (sequence >> 16) & 0xff; out[11] = sequence >> 24;
  out[12] = length & 0xff; out[13] = (length >> 8) & 0xff; out[14] = (length >> 16) & 0xff; out[15] = length >> 24;
}

/* Starts a message with room for its header; finish_message() fills it in
 * once the payload length is known. */
static GByteArray *
begin_message (gsize reserve)
{
  GByteArray *out = g_byte_array_sized_new ((guint) MIN (reserve + MAR_DECODER_PROTOCOL_HEADER_SIZE, G_MAXUINT));

  g_byte_array_set_size (out, MAR_DECODER_PROTOCOL_HEADER_SIZE);
  return out;
}

static GBytes *
finish_message (GByteArray            *out,
                MarDecoderMessageType  type,
                guint32                sequence)
{
  mar_decoder_protocol_write_header (out->data, type, sequence,
                                     out->len - MAR_DECODER_PROTOCOL_HEADER_SIZE);
  return g_byte_array_free_to_bytes (out);
}

static void
put_options (GByteArray             *out,
             const MarReaderOptions *options)
{
  guint8 flags = 0;

  if (options->try_harder)
    flags |= OPTION_TRY_HARDER;
  if (options->try_rotate)
    flags |= OPTION_TRY_ROTATE;
  if (options->try_downscale)
    flags |= OPTION_TRY_DOWNSCALE;
  if (options->is_pure)
    flags |= OPTION_IS_PURE;
  if (options->thorough)
    flags |= OPTION_THOROUGH;

  put_u32 (out, options->formats);
  put_u8 (out, (guint8) options->binarizer);
  put_u8 (out, options->max_number_of_symbols);
  put_u8 (out, options->min_line_count);
  put_u8 (out, flags);
  put_u32 (out, 0);
}

GBytes *
mar_decoder_protocol_build_frame (guint32                 sequence,
                                  const MarReaderOptions *options,
                                  const MarImageView     *view)
{
  g_autoptr(MarReaderOptions) defaults = NULL;
  gsize n_pixels;
  GByteArray *out;
  guint start;

  g_return_val_if_fail (view != NULL, NULL);

  if (options == NULL)
    options = defaults = mar_reader_options_new ();

  n_pixels = (gsize) view->width * view->height;
  out = begin_message (OPTIONS_SIZE + 16 + n_pixels);
  put_options (out, options);
  put_u32 (out, (guint32) view->width);
  put_u32 (out, (guint32) view->height);
  put_u32 (out, (guint32) MAR_IMAGE_FORMAT_LUM);
  put_u32 (out, (guint32) view->width);
  start = out->len;
  g_byte_array_set_size (out, (guint) (start + n_pixels));
  mar_image_view_copy_luminance (view, out->data + start);
  return finish_message (out, MAR_DECODER_MESSAGE_FRAME, sequence);
}

GBytes *
mar_decoder_protocol_build_file (guint32                 sequence,
                                 const MarReaderOptions *options,
                                 const guint8           *data,
                                 gsize                   length)
{
  g_autoptr(MarReaderOptions) defaults = NULL;
  GByteArray *out;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (length <= MAR_READER_MAX_FILE_SIZE, NULL);

  if (options == NULL)
    options = defaults = mar_reader_options_new ();

  out = begin_message (OPTIONS_SIZE + 4 + length);
  put_options (out, options);
  put_bytes32 (out, data, length);
  return finish_message (out, MAR_DECODER_MESSAGE_FILE, sequence);
}

GBytes *
mar_decoder_protocol_build_barcodes (guint32            sequence,
                                     const MarBarcodes *barcodes,
                                     int                image_width,
                                     int                image_height)
{
  GByteArray *out = begin_message (256);
  guint count = MIN (mar_barcodes_get_size (barcodes), MAX_SYMBOLS);

  put_u32 (out, (guint32) MAX (image_width, 0));
  put_u32 (out, (guint32) MAX (image_height, 0));
  put_u32 (out, count);
  for (guint i = 0; i < count; i++)
    {
      const MarBarcode *b = mar_barcodes_get (barcodes, i);
      const char *si = mar_barcode_get_symbology_identifier (b);
      const char *text = mar_barcode_get_text (b);
      const guint8 *bytes;
      gsize n_bytes;
      MarPosition p;
      guint8 flags = 0;
      gsize si_len = MIN (strlen (si), 255);

      bytes = mar_barcode_get_bytes (b, &n_bytes);
      mar_barcode_get_position (b, &p);
      if (mar_barcode_is_mirrored (b))
        flags |= BARCODE_MIRRORED;
      if (mar_barcode_has_eci (b))
        flags |= BARCODE_HAS_ECI;

      put_u32 (out, (guint32) mar_barcode_get_format (b));
      put_u8 (out, (guint8) mar_barcode_get_content_type (b));
      put_u8 (out, flags);
      put_u16 (out, (guint16) (gint16) CLAMP (mar_barcode_get_orientation (b), -360, 360));
      put_i32 (out, p.top_left.x);
      put_i32 (out, p.top_left.y);
      put_i32 (out, p.top_right.x);
      put_i32 (out, p.top_right.y);
      put_i32 (out, p.bottom_right.x);
      put_i32 (out, p.bottom_right.y);
      put_i32 (out, p.bottom_left.x);
      put_i32 (out, p.bottom_left.y);
      put_u8 (out, (guint8) si_len);
      g_byte_array_append (out, (const guint8 *) si, (guint) si_len);
      put_bytes32 (out, bytes, MIN (n_bytes, MAR_DECODER_PROTOCOL_MAX_SYMBOL_BYTES));
      put_bytes32 (out, (const guint8 *) text, MIN (strlen (text), MAR_DECODER_PROTOCOL_MAX_SYMBOL_BYTES));
    }
  return finish_message (out, MAR_DECODER_MESSAGE_BARCODES, sequence);
}

GBytes *
mar_decoder_protocol_build_error (guint32       sequence,
                                  const GError *error,
                                  int           image_width,
                                  int           image_height)
{
  GByteArray *out = begin_message (64);
  guint32 code = MAR_READER_ERROR_FAILED;
  const char *detail = error != NULL ? error->message : "";

  if (error != NULL && error->domain == MAR_READER_ERROR)
    code = (guint32) error->code;

  put_u32 (out, code);
  put_u32 (out, (guint32) MAX (image_width, 0));
  put_u32 (out, (guint32) MAX (image_height, 0));
  put_bytes32 (out, (const guint8 *) detail, MIN (strlen (detail), MAX_DETAIL));
  return finish_message (out, MAR_DECODER_MESSAGE_ERROR, sequence);
}

/* Reading: a cursor that refuses to step past the end. Once a read fails
 * every later read fails too, so a parser checks `ok` once at the end. */

typedef struct
{
  const guint8 *p;
  gsize         left;
  gboolean      ok;
} Cursor;

static gboolean
take (Cursor        *c,
      gsize          n,
      const guint8 **out)
{
  if (!c->ok || c->left < n)
    {
      c->ok = FALSE;
      *out = NULL;
      return FALSE;
    }
  *out = c->p;
  c->p += n;
  c->left -= n;
  return TRUE;
}

static guint8
get_u8 (Cursor *c)
{
  const guint8 *b;

  return take (c, 1, &b) ? b[0] : 0;
}

static guint16
get_u16 (Cursor *c)
{
  const guint8 *b;

  return take (c, 2, &b) ? (guint16) (b[0] | (b[1] << 8)) : 0;
}

static guint32
get_u32 (Cursor *c)
{
  const guint8 *b;

  if (!take (c, 4, &b))
    return 0;
  return (guint32) b[0] | ((guint32) b[1] << 8) | ((guint32) b[2] << 16) | ((guint32) b[3] << 24);
}

static gint32
get_i32 (Cursor *c)
{
  return (gint32) get_u32 (c);
}

/* A u32-length-prefixed blob of at most @max bytes. */
static const guint8 *
get_bytes32 (Cursor  *c,
             gsize    max,
             gsize   *length)
{
  const guint8 *b;
  guint32 n = get_u32 (c);

  *length = 0;
  if (!c->ok || n > max)
    {
      c->ok = FALSE;
      return NULL;
    }
  if (!take (c, n, &b))
    return NULL;
  *length = n;
  return b;
}

static gboolean
protocol_error (GError     **error,
                const char  *what)
{
  g_set_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL,
               _("The barcode decoder sent a malformed message (%s)"), what);
  return FALSE;
}

gboolean
mar_decoder_protocol_parse_header (const guint8             *data,
                                   gsize                     length,
                                   MarDecoderMessageHeader  *header,
                                   GError                  **error)
{
  Cursor c = { data, length, TRUE };
  guint32 magic;
  guint16 version, type;

  g_return_val_if_fail (header != NULL, FALSE);

  magic = get_u32 (&c);
  version = get_u16 (&c);
  type = get_u16 (&c);
  header->sequence = get_u32 (&c);
  header->length = get_u32 (&c);

  if (!c.ok)
    return protocol_error (error, "short header");
  if (magic != MAR_DECODER_PROTOCOL_MAGIC)
    return protocol_error (error, "bad magic");
  if (version != MAR_DECODER_PROTOCOL_VERSION)
    return protocol_error (error, "unknown version");
  switch (type)
    {
    case MAR_DECODER_MESSAGE_FRAME:
    case MAR_DECODER_MESSAGE_FILE:
    case MAR_DECODER_MESSAGE_BARCODES:
    case MAR_DECODER_MESSAGE_ERROR:
      break;
    default:
      return protocol_error (error, "unknown message type");
    }
  if (header->length > MAR_DECODER_PROTOCOL_MAX_PAYLOAD)
    return protocol_error (error, "message too long");

  header->type = (MarDecoderMessageType) type;
  return TRUE;
}

void
mar_decoder_request_clear (MarDecoderRequest *request)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->options, mar_reader_options_free);
  g_clear_pointer (&request->frame, mar_image_view_free);
  request->file_data = NULL;
  request->file_length = 0;
}

static MarReaderOptions *
get_options (Cursor *c)
{
  MarReaderOptions *options = mar_reader_options_new ();
  guint32 formats = get_u32 (c);
  guint8 binarizer = get_u8 (c);
  guint8 max_symbols = get_u8 (c);
  guint8 min_lines = get_u8 (c);
  guint8 flags = get_u8 (c);

  (void) get_u32 (c);

  mar_reader_options_set_formats (options, formats);
  options->binarizer = binarizer <= MAR_BINARIZER_BOOL_CAST ? (MarBinarizer) binarizer
                                                           : MAR_BINARIZER_LOCAL_AVERAGE;
  mar_reader_options_set_max_number_of_symbols (options, max_symbols);
  mar_reader_options_set_min_line_count (options, min_lines);
  options->try_harder = !!(flags & OPTION_TRY_HARDER);
  options->try_rotate = !!(flags & OPTION_TRY_ROTATE);
  options->try_downscale = !!(flags & OPTION_TRY_DOWNSCALE);
  options->is_pure = !!(flags & OPTION_IS_PURE);
  options->thorough = !!(flags & OPTION_THOROUGH);
  return options;
}

gboolean
mar_decoder_protocol_parse_request (const MarDecoderMessageHeader  *header,
                                    const guint8                   *payload,
                                    MarDecoderRequest              *request,
                                    GError                        **error)
{
  Cursor c = { payload, header->length, TRUE };

  g_return_val_if_fail (header != NULL, FALSE);
  g_return_val_if_fail (payload != NULL || header->length == 0, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);

  memset (request, 0, sizeof *request);
  request->type = header->type;
  request->options = get_options (&c);

  if (header->type == MAR_DECODER_MESSAGE_FRAME)
    {
      guint32 width = get_u32 (&c);
      guint32 height = get_u32 (&c);
      guint32 format = get_u32 (&c);
      guint32 row_stride = get_u32 (&c);

      if (!c.ok)
        goto short_message;
      if (format != MAR_IMAGE_FORMAT_LUM)
        {
          mar_decoder_request_clear (request);
          return protocol_error (error, "frame not in luminance");
        }
      if (width > G_MAXINT || height > G_MAXINT || row_stride > G_MAXINT)
        {
          mar_decoder_request_clear (request);
          g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE,
                       _("The image is too large"));
          return FALSE;
        }
      /* Checks the size limits and that the pixels fit in what was sent. */
      request->frame = mar_image_view_new_checked (c.p, c.left, (int) width, (int) height,
                                                   MAR_IMAGE_FORMAT_LUM, (int) row_stride, 1,
                                                   error);
      if (request->frame == NULL)
        {
          mar_decoder_request_clear (request);
          return FALSE;
        }
      return TRUE;
    }
  else if (header->type == MAR_DECODER_MESSAGE_FILE)
    {
      request->file_data = get_bytes32 (&c, MAR_READER_MAX_FILE_SIZE, &request->file_length);
      if (!c.ok)
        goto short_message;
      return TRUE;
    }

  mar_decoder_request_clear (request);
  return protocol_error (error, "not a request");

short_message:
  mar_decoder_request_clear (request);
  return protocol_error (error, "truncated request");
}

char *
mar_decoder_protocol_describe_error (MarReaderError code,
                                     int            image_width,
                                     int            image_height)
{
  switch (code)
    {
    case MAR_READER_ERROR_INVALID_IMAGE:
      if (image_width == 0 || image_height == 0)
        return g_strdup (_("The image is empty (it has no pixels)."));
      return g_strdup (_("The image cannot be read: its size or layout is impossible."));
    case MAR_READER_ERROR_TOO_LARGE:
      if (image_width > 0 && image_height > 0)
        return g_strdup_printf (_("The image is too large (%d × %d pixels). "
                                  "Images up to %d megapixels can be read."),
                                image_width, image_height, MAR_READER_MAX_PIXELS / 1000000);
      return g_strdup_printf (_("The image is too large. Images up to %d megapixels "
                                "and %d MB can be read."),
                              MAR_READER_MAX_PIXELS / 1000000, MAR_READER_MAX_FILE_SIZE / (1024 * 1024));
    case MAR_READER_ERROR_NOT_AN_IMAGE:
      return g_strdup (_("This file is not an image that can be read (use PNG or JPEG)."));
    case MAR_READER_ERROR_DAMAGED:
      return g_strdup (_("The image is damaged or incomplete."));
    case MAR_READER_ERROR_FAILED:
    default:
      return g_strdup (_("The barcode library failed on this image."));
    }
}

MarBarcodes *
mar_decoder_protocol_parse_response (const MarDecoderMessageHeader  *header,
                                     const guint8                   *payload,
                                     GError                        **error)
{
  Cursor c = { payload, header->length, TRUE };

  g_return_val_if_fail (header != NULL, NULL);
  g_return_val_if_fail (payload != NULL || header->length == 0, NULL);

  if (header->type == MAR_DECODER_MESSAGE_ERROR)
    {
      guint32 code = get_u32 (&c);
      guint32 width = get_u32 (&c);
      guint32 height = get_u32 (&c);
      gsize detail_len;
      const guint8 *detail = get_bytes32 (&c, MAX_DETAIL, &detail_len);
      g_autofree char *message = NULL;

      if (!c.ok || c.left != 0)
        {
          protocol_error (error, "truncated error");
          return NULL;
        }
      if (code > MAR_READER_ERROR_FAILED)
        code = MAR_READER_ERROR_FAILED;
      if (width > G_MAXINT || height > G_MAXINT)
        width = height = 0;

      /* The worker's own words (a loader's message) go to the debug log
       * only: they are technical and not translated. They never carry
       * patient data: the worker sees pixels, not records. */
      if (detail_len > 0)
        {
          g_autofree char *text = g_utf8_make_valid ((const char *) detail, (gssize) detail_len);

          g_debug ("Decoder worker: %s", text);
        }
      message = mar_decoder_protocol_describe_error ((MarReaderError) code, (int) width, (int) height);
      g_set_error_literal (error, MAR_READER_ERROR, (int) code, message);
      return NULL;
    }
  else if (header->type == MAR_DECODER_MESSAGE_BARCODES)
    {
      g_autoptr(MarBarcodes) barcodes = mar_barcodes_new ();
      guint32 count;

      (void) get_u32 (&c);      /* image width and height: not needed here */
      (void) get_u32 (&c);
      count = get_u32 (&c);
      if (!c.ok || count > MAX_SYMBOLS)
        {
          protocol_error (error, "bad symbol count");
          return NULL;
        }

      for (guint32 i = 0; i < count; i++)
        {
          guint32 format = get_u32 (&c);
          guint8 content_type = get_u8 (&c);
          guint8 flags = get_u8 (&c);
          gint16 orientation = (gint16) get_u16 (&c);
          MarPosition p;
          guint8 si_len;
          const guint8 *si_data;
          const guint8 *bytes;
          const guint8 *text;
          gsize n_bytes, n_text;
          g_autofree char *si = NULL;
          g_autofree char *text_str = NULL;

          p.top_left.x = get_i32 (&c);
          p.top_left.y = get_i32 (&c);
          p.top_right.x = get_i32 (&c);
          p.top_right.y = get_i32 (&c);
          p.bottom_right.x = get_i32 (&c);
          p.bottom_right.y = get_i32 (&c);
          p.bottom_left.x = get_i32 (&c);
          p.bottom_left.y = get_i32 (&c);
          si_len = get_u8 (&c);
          take (&c, si_len, &si_data);
          bytes = get_bytes32 (&c, MAR_DECODER_PROTOCOL_MAX_SYMBOL_BYTES, &n_bytes);
          text = get_bytes32 (&c, MAR_DECODER_PROTOCOL_MAX_SYMBOL_BYTES, &n_text);

          if (!c.ok)
            {
              protocol_error (error, "truncated symbol");
              return NULL;
            }
          /* One bit set, and one we know. */
          if (format == 0 || (format & (format - 1)) != 0 || (format & ~MAR_BARCODE_FORMATS_ALL) != 0)
            {
              protocol_error (error, "bad format");
              return NULL;
            }
          if (content_type > MAR_CONTENT_TYPE_UNKNOWN_ECI)
            {
              protocol_error (error, "bad content type");
              return NULL;
            }

          si = g_strndup ((const char *) si_data, si_len);
          if (strlen (si) != si_len || !g_str_is_ascii (si))
            {
              protocol_error (error, "bad symbology identifier");
              return NULL;
            }
          /* mar_barcode_new() repairs invalid UTF-8 rather than trusting it. */
          text_str = g_strndup ((const char *) text, n_text);

          mar_barcodes_take (barcodes,
                             mar_barcode_new ((MarBarcodeFormat) format,
                                              (MarContentType) content_type,
                                              si, bytes, n_bytes, text_str, &p,
                                              orientation,
                                              !!(flags & BARCODE_MIRRORED),
                                              !!(flags & BARCODE_HAS_ECI)));
        }
      if (c.left != 0)
        {
          protocol_error (error, "trailing bytes");
          return NULL;
        }
      return g_steal_pointer (&barcodes);
    }

  protocol_error (error, "not a response");
  return NULL;
}
