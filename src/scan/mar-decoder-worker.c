/* mar-decoder-worker.c — bedside-mar-decoder, the isolated barcode reader
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads requests from the socket on fd 3 (mar-decoder-protocol.h), decodes
 * image files with gdk-pixbuf and reads barcodes with zxing-cpp, and writes
 * one response per request. Everything that can crash on a hostile image
 * runs here, never in the app: if this process dies, the app loses one
 * image and starts a new worker (mar-decoder.c).
 */

#define G_LOG_DOMAIN "mar-decoder-worker"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "mar-decoder-protocol.h"
#include "mar-reader-private.h"
#include "mar-zxing-bridge.h"

#if defined(__SANITIZE_ADDRESS__)
# define MAR_UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define MAR_UNDER_ASAN 1
# endif
#endif

/* Address-space cap: a 40-megapixel RGBA image, its luminance copy and
 * zxing's working copies fit in well under this; an image that makes a
 * loader allocate without bound fails here instead of swapping the
 * terminal to a halt. */
#define WORKER_ADDRESS_SPACE_LIMIT (G_GUINT64_CONSTANT (3) << 30)

static gboolean
read_full (int      fd,
           guint8  *buf,
           gsize    length,
           gboolean *eof)
{
  gsize done = 0;

  *eof = FALSE;
  while (done < length)
    {
      ssize_t n = read (fd, buf + done, length - done);

      if (n == 0)
        {
          *eof = done == 0;
          return FALSE;
        }
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

static gboolean
write_full (int           fd,
            const guint8 *buf,
            gsize         length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = send (fd, buf + done, length - done, MSG_NOSIGNAL);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

typedef struct
{
  int      width;
  int      height;
  gboolean too_large;
  int      rows_done;     /* the lowest row the loader has delivered */
} SizeCheck;

/* gdk-pixbuf's PNG and JPEG loaders close without error on a file cut
 * short once the header is read, leaving the missing rows blank; a
 * truncated image must be refused, not half-read, so count the rows. */
static void
on_area_updated (GdkPixbufLoader *loader,
                 int              x,
                 int              y,
                 int              width,
                 int              height,
                 SizeCheck       *check)
{
  check->rows_done = MAX (check->rows_done, y + height);
}

/* Refuses a huge image as soon as its header is read, before the loader
 * allocates pixels: setting the size to 0 × 0 makes gdk-pixbuf's PNG and
 * JPEG loaders stop with an error instead of allocating. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  SizeCheck       *check)
{
  check->width = width;
  check->height = height;
  if (width <= 0 || height <= 0 ||
      width > MAR_READER_MAX_DIMENSION || height > MAR_READER_MAX_DIMENSION ||
      (gint64) width * height > MAR_READER_MAX_PIXELS)
    {
      check->too_large = width > 0 && height > 0;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

/* What the loader's failure means for the person who chose the file.
 * Anything that fails before or while the pixels are read is "damaged":
 * a PNG that says it is 0 × 0 is as broken as a truncated one. */
static void
classify_loader_error (GError    **error,
                       GError     *loader_error,
                       SizeCheck  *check)
{
  const char *detail = loader_error ? loader_error->message : "no image";

  if (check->too_large)
    g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE,
                 "image of %d × %d pixels refused", check->width, check->height);
  else if (g_error_matches (loader_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_NOT_AN_IMAGE, detail);
  else if (g_error_matches (loader_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
    g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE, detail);
  else
    g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_DAMAGED, detail);
}

/* Decodes an image file into packed luminance. Transparent pixels are laid
 * over white, as on a printed label: a PNG with a transparent background
 * would otherwise read as black on black. */
static guint8 *
load_luminance (const guint8  *data,
                gsize          length,
                int           *width,
                int           *height,
                GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GError) loader_error = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  SizeCheck check = { 0, 0, FALSE, 0 };
  GdkPixbuf *pixbuf;
  const guint8 *pixels;
  int w, h, stride, channels;
  guint8 *out;
  gboolean ok;

  *width = *height = 0;

  if (length == 0)
    {
      g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_NOT_AN_IMAGE, "empty file");
      return NULL;
    }

  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &check);
  g_signal_connect (loader, "area-updated", G_CALLBACK (on_area_updated), &check);

  ok = gdk_pixbuf_loader_write (loader, data, length, &loader_error);
  /* Close even after a failed write: the loader warns if finalised open. */
  if (!gdk_pixbuf_loader_close (loader, ok ? &loader_error : NULL))
    ok = FALSE;

  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf != NULL && check.rows_done < gdk_pixbuf_get_height (pixbuf))
    {
      g_set_error (error, MAR_READER_ERROR, MAR_READER_ERROR_DAMAGED,
                   "incomplete image: %d of %d rows", check.rows_done, gdk_pixbuf_get_height (pixbuf));
      *width = check.width;
      *height = check.height;
      return NULL;
    }
  if (pixbuf == NULL || check.too_large)
    {
      classify_loader_error (error, loader_error, &check);
      *width = check.width;
      *height = check.height;
      return NULL;
    }

  /* Phone photos are stored sideways with an EXIF orientation tag. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
  if (oriented != NULL)
    pixbuf = oriented;

  w = gdk_pixbuf_get_width (pixbuf);
  h = gdk_pixbuf_get_height (pixbuf);
  *width = w;
  *height = h;
  if (w <= 0 || h <= 0 || (gint64) w * h > MAR_READER_MAX_PIXELS ||
      gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB)
    {
      g_set_error_literal (error, MAR_READER_ERROR,
                           (gint64) w * h > MAR_READER_MAX_PIXELS ? MAR_READER_ERROR_TOO_LARGE
                                                                  : MAR_READER_ERROR_INVALID_IMAGE,
                           "unusable pixel layout");
      return NULL;
    }

  pixels = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  out = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < w; x++)
        {
          const guint8 *p = row + (gsize) x * channels;
          guint lum = (306 * p[0] + 601 * p[1] + 117 * p[2] + 0x200) >> 10;

          if (channels == 4)
            lum = (lum * p[3] + 255 * (255 - p[3]) + 127) / 255;
          out[(gsize) y * w + x] = (guint8) lum;
        }
    }
  return out;
}

static GBytes *
handle_request (const MarDecoderMessageHeader *header,
                const guint8                  *payload)
{
  g_auto(MarDecoderRequest) request = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autofree guint8 *luminance = NULL;
  g_autoptr(MarImageView) file_view = NULL;
  const MarImageView *view;
  int width = 0, height = 0;

  if (!mar_decoder_protocol_parse_request (header, payload, &request, &error))
    return mar_decoder_protocol_build_error (header->sequence, error, 0, 0);

#ifdef MAR_DECODER_WORKER_TESTING
  /* Test builds only (tests/scan/meson.build): die mid-request, as
   * zxing-cpp 1.4 did on code128-1/4.png, so the tests can show that the
   * app loses one image and the next one reads. */
  if (request.type == MAR_DECODER_MESSAGE_FILE && request.file_length >= 10 &&
      memcmp (request.file_data, "CRASH-TEST", 10) == 0)
    abort ();
#endif

  if (request.type == MAR_DECODER_MESSAGE_FILE)
    {
      luminance = load_luminance (request.file_data, request.file_length, &width, &height, &error);
      if (luminance == NULL)
        return mar_decoder_protocol_build_error (header->sequence, error, width, height);
      file_view = mar_image_view_new (luminance, width, height, MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
      if (file_view == NULL)
        return mar_decoder_protocol_build_error (header->sequence, error, width, height);
      view = file_view;
    }
  else
    {
      view = request.frame;
      width = mar_image_view_get_width (view);
      height = mar_image_view_get_height (view);
    }

  barcodes = mar_read_barcodes (view, request.options, &error);
  if (barcodes == NULL)
    return mar_decoder_protocol_build_error (header->sequence, error, width, height);
  return mar_decoder_protocol_build_barcodes (header->sequence, barcodes, width, height);
}

/* Die with the app: an orphan would hold memory, or spin on a hostile
 * image, for nothing. PR_SET_PDEATHSIG cannot be used: it fires when the
 * *thread* that spawned us exits, and the app spawns from worker threads
 * that come and go. An idle worker also sees EOF on its socket. */
static gpointer
watch_parent (gpointer data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (data);

  for (;;)
    {
      g_usleep (G_USEC_PER_SEC / 2);
      if (getppid () != parent)
        _exit (0);
    }
  return NULL;
}

static void
limit_resources (void)
{
  g_thread_unref (g_thread_new ("watch-parent", watch_parent, GINT_TO_POINTER (getppid ())));

#ifndef MAR_UNDER_ASAN
  {
    struct rlimit limit = { WORKER_ADDRESS_SPACE_LIMIT, WORKER_ADDRESS_SPACE_LIMIT };

    setrlimit (RLIMIT_AS, &limit);
  }
#endif
}

int
main (int   argc,
      char *argv[])
{
  int fd = 3;

  if (argc == 3 && g_strcmp0 (argv[1], "--fd") == 0)
    fd = atoi (argv[2]);
  else if (argc != 1)
    {
      g_printerr ("usage: %s [--fd N]\n"
                  "Reads barcodes for Bedside MAR; started by the app, not by people.\n",
                  argv[0]);
      return 2;
    }

  limit_resources ();
  signal (SIGPIPE, SIG_IGN);

  for (;;)
    {
      guint8 head[MAR_DECODER_PROTOCOL_HEADER_SIZE];
      MarDecoderMessageHeader header;
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *payload = NULL;
      g_autoptr(GBytes) response = NULL;
      gboolean eof;
      gsize size;
      const guint8 *data;

      if (!read_full (fd, head, sizeof head, &eof))
        return eof ? 0 : 1;
      /* A parent that sends garbage gets no answer: exiting is the only
       * safe reply to a stream we can no longer frame. */
      if (!mar_decoder_protocol_parse_header (head, sizeof head, &header, &error))
        {
          g_printerr ("bedside-mar-decoder: %s\n", error->message);
          return 1;
        }
      payload = g_try_malloc (MAX (header.length, 1));
      if (payload == NULL)
        return 1;
      if (!read_full (fd, payload, header.length, &eof))
        return 1;

      response = handle_request (&header, payload);
      data = g_bytes_get_data (response, &size);
      if (!write_full (fd, data, size))
        return 1;
    }
}
