/* mar-decoder.c — the app's side of the isolated barcode decoder
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-decoder"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "mar-decoder.h"
#include "mar-decoder-protocol.h"

struct _MarDecoder
{
  GObject      parent_instance;

  char        *worker_path;
  guint        timeout_ms;
  gint         next_sequence;   /* atomic */

  /* Guards everything below: one request at a time per worker. */
  GMutex       lock;
  GSubprocess *worker;
  int          fd;              /* our end of the socket, -1 without a worker */
};

G_DEFINE_FINAL_TYPE (MarDecoder, mar_decoder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_WORKER_PATH,
  PROP_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  IO_OK,
  IO_EOF,
  IO_TIMEOUT,
  IO_CANCELLED,
  IO_FAILED,
} IoStatus;

/* Worker life cycle (lock held) */

static void
stop_worker_locked (MarDecoder *self,
                    gboolean    kill_it)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->worker != NULL)
    {
      /* With our end closed a healthy worker exits on EOF; a hung or
       * crashed one is killed. Either way it is reaped here, so no zombie
       * is left behind. */
      if (kill_it)
        g_subprocess_force_exit (self->worker);
      g_subprocess_wait (self->worker, NULL, NULL);
      if (g_subprocess_get_if_signaled (self->worker))
        g_debug ("Decoder worker ended by signal %d", g_subprocess_get_term_sig (self->worker));
      else if (g_subprocess_get_if_exited (self->worker) && g_subprocess_get_exit_status (self->worker) != 0)
        g_debug ("Decoder worker exited with status %d", g_subprocess_get_exit_status (self->worker));
      g_clear_object (&self->worker);
    }
}

static gboolean
start_worker_locked (MarDecoder  *self,
                     GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) local_error = NULL;
  int sv[2];

  g_assert (self->worker == NULL && self->fd < 0);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_UNAVAILABLE,
                   _("The barcode decoder cannot be started: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_fd (launcher, sv[1], 3);
  self->worker = g_subprocess_launcher_spawn (launcher, &local_error,
                                              self->worker_path, "--fd", "3", NULL);
  /* Our copy of the worker's end must go now, or we would never see EOF
   * when the worker dies. */
  g_subprocess_launcher_close (launcher);

  if (self->worker == NULL)
    {
      close (sv[0]);
      g_set_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_UNAVAILABLE,
                   _("The barcode decoder cannot be started: %s"), local_error->message);
      return FALSE;
    }

  /* Non-blocking, so every read and write waits in poll() with the
   * request's deadline and nothing can block past it. */
  fcntl (sv[0], F_SETFL, fcntl (sv[0], F_GETFL) | O_NONBLOCK);
  self->fd = sv[0];
  g_debug ("Decoder worker started (pid %s)", g_subprocess_get_identifier (self->worker));
  return TRUE;
}

/* Called after a worker was lost on an image: the message says it has
 * been restarted, so it is. A failure here is reported by the next
 * request. */
static void
restart_worker_locked (MarDecoder *self)
{
  g_autoptr(GError) error = NULL;

  stop_worker_locked (self, TRUE);
  if (!start_worker_locked (self, &error))
    g_warning ("%s", error->message);
}

/* An idle worker has nothing to say: readable or hung-up means it died
 * between requests (or was killed). Replace it silently, since no image
 * of the caller's was involved. */
static gboolean
ensure_worker_locked (MarDecoder  *self,
                      GError     **error)
{
  if (self->fd >= 0)
    {
      GPollFD pfd = { self->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 };

      if (g_poll (&pfd, 1, 0) > 0 && pfd.revents != 0)
        {
          g_debug ("Decoder worker went away while idle; starting a new one");
          stop_worker_locked (self, TRUE);
        }
    }
  if (self->fd < 0)
    return start_worker_locked (self, error);
  return TRUE;
}

/* I/O with a deadline (lock held) */

static IoStatus
wait_fd (int           fd,
         GIOCondition  condition,
         gint64        deadline,
         GCancellable *cancellable)
{
  GPollFD fds[2] = { { fd, condition | G_IO_HUP | G_IO_ERR, 0 }, { -1, 0, 0 } };
  guint nfds = 1;
  IoStatus status = IO_FAILED;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fds[1]))
    nfds = 2;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      int r;

      if (g_cancellable_is_cancelled (cancellable))
        {
          status = IO_CANCELLED;
          break;
        }
      if (now >= deadline)
        {
          status = IO_TIMEOUT;
          break;
        }
      r = g_poll (fds, nfds, (int) MIN ((deadline - now + 999) / 1000, G_MAXINT));
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        break;
      if (fds[0].revents != 0)
        {
          status = IO_OK;
          break;
        }
    }

  if (nfds == 2)
    g_cancellable_release_fd (cancellable);
  return status;
}

static IoStatus
write_all (int           fd,
           const guint8 *data,
           gsize         length,
           gint64        deadline,
           GCancellable *cancellable)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = send (fd, data + done, length - done, MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n >= 0)
        {
          done += (gsize) n;
          continue;
        }
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          IoStatus status = wait_fd (fd, G_IO_OUT, deadline, cancellable);

          if (status != IO_OK)
            return status;
          continue;
        }
      /* EPIPE, ECONNRESET: the worker is gone. */
      return IO_EOF;
    }
  return IO_OK;
}

static IoStatus
read_all (int           fd,
          guint8       *data,
          gsize         length,
          gint64        deadline,
          GCancellable *cancellable)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = recv (fd, data + done, length - done, MSG_DONTWAIT);

      if (n > 0)
        {
          done += (gsize) n;
          continue;
        }
      if (n == 0)
        return IO_EOF;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          IoStatus status = wait_fd (fd, G_IO_IN, deadline, cancellable);

          if (status != IO_OK)
            return status;
          continue;
        }
      return IO_EOF;
    }
  return IO_OK;
}

/* Sends one request and reads its answer. Every way the worker can fail
 * ends with this image's error and a fresh worker for the next one. */
static MarBarcodes *
transact (MarDecoder    *self,
          GBytes        *request,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&self->lock);
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *payload = NULL;
  guint8 head[MAR_DECODER_PROTOCOL_HEADER_SIZE];
  MarDecoderMessageHeader sent = { 0, }, header = { 0, };
  const guint8 *data;
  gsize size;
  gint64 deadline;
  IoStatus status;
  MarBarcodes *barcodes;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (!ensure_worker_locked (self, error))
    return NULL;

  data = g_bytes_get_data (request, &size);
  if (!mar_decoder_protocol_parse_header (data, size, &sent, NULL))
    g_assert_not_reached ();

  deadline = g_get_monotonic_time () + (gint64) self->timeout_ms * 1000;

  status = write_all (self->fd, data, size, deadline, cancellable);
  if (status == IO_OK)
    status = read_all (self->fd, head, sizeof head, deadline, cancellable);
  if (status == IO_OK)
    {
      if (!mar_decoder_protocol_parse_header (head, sizeof head, &header, &local_error))
        goto protocol_failure;
      if (header.sequence != sent.sequence ||
          (header.type != MAR_DECODER_MESSAGE_BARCODES && header.type != MAR_DECODER_MESSAGE_ERROR))
        {
          g_set_error_literal (&local_error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL,
                               _("The barcode decoder answered a different request"));
          goto protocol_failure;
        }
      payload = g_try_malloc (MAX (header.length, 1));
      if (payload == NULL)
        {
          g_set_error_literal (&local_error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL,
                               _("The barcode decoder's answer is too large"));
          goto protocol_failure;
        }
      status = read_all (self->fd, payload, header.length, deadline, cancellable);
    }

  switch (status)
    {
    case IO_OK:
      break;
    case IO_CANCELLED:
      /* The worker is busy with an image nobody wants any more: stop it
       * rather than wait. The next request starts a new one. */
      stop_worker_locked (self, TRUE);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return NULL;
    case IO_TIMEOUT:
      g_message ("Decoder worker did not answer within %u ms; restarting it", self->timeout_ms);
      restart_worker_locked (self);
      g_set_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_TIMEOUT,
                   _("The barcode decoder took too long on this image; it has been restarted."));
      return NULL;
    case IO_EOF:
    case IO_FAILED:
    default:
      g_message ("Decoder worker stopped on an image; restarting it");
      restart_worker_locked (self);
      g_set_error_literal (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_WORKER_STOPPED,
                           _("The barcode decoder stopped on this image; it has been restarted."));
      return NULL;
    }

  barcodes = mar_decoder_protocol_parse_response (&header, payload, &local_error);
  if (barcodes == NULL && g_error_matches (local_error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL))
    goto protocol_failure;
  if (barcodes == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return barcodes;

protocol_failure:
  g_message ("Decoder worker: %s; restarting it", local_error->message);
  restart_worker_locked (self);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

static guint32
next_sequence (MarDecoder *self)
{
  return (guint32) g_atomic_int_add (&self->next_sequence, 1);
}

/* GObject */

static void
mar_decoder_finalize (GObject *object)
{
  MarDecoder *self = MAR_DECODER (object);

  g_mutex_lock (&self->lock);
  stop_worker_locked (self, TRUE);
  g_mutex_unlock (&self->lock);
  g_mutex_clear (&self->lock);
  g_free (self->worker_path);

  G_OBJECT_CLASS (mar_decoder_parent_class)->finalize (object);
}

static void
mar_decoder_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MarDecoder *self = MAR_DECODER (object);

  switch (prop_id)
    {
    case PROP_WORKER_PATH:
      g_value_set_string (value, self->worker_path);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_decoder_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MarDecoder *self = MAR_DECODER (object);

  switch (prop_id)
    {
    case PROP_WORKER_PATH:
      g_free (self->worker_path);
      self->worker_path = g_value_dup_string (value);
      break;
    case PROP_TIMEOUT:
      mar_decoder_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_decoder_constructed (GObject *object)
{
  MarDecoder *self = MAR_DECODER (object);

  G_OBJECT_CLASS (mar_decoder_parent_class)->constructed (object);

  if (self->worker_path == NULL)
    {
      const char *env = g_getenv (MAR_DECODER_WORKER_ENV);

      if (env != NULL && *env != '\0')
        self->worker_path = g_strdup (env);
      else
        self->worker_path = g_build_filename (MAR_LIBEXECDIR, MAR_DECODER_WORKER_NAME, NULL);

      /* Not installed (the demo and developers run from the build tree):
       * the worker this build made. */
      if (!g_file_test (self->worker_path, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_autofree char *built = g_build_filename (MAR_BUILD_ROOT, "src", "scan",
                                                     MAR_DECODER_WORKER_NAME, NULL);

          if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
            {
              g_free (self->worker_path);
              self->worker_path = g_steal_pointer (&built);
            }
        }
    }
}

static void
mar_decoder_class_init (MarDecoderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mar_decoder_finalize;
  object_class->get_property = mar_decoder_get_property;
  object_class->set_property = mar_decoder_set_property;
  object_class->constructed = mar_decoder_constructed;

  properties[PROP_WORKER_PATH] =
    g_param_spec_string ("worker-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, G_MAXUINT / 1000, MAR_DECODER_DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mar_decoder_init (MarDecoder *self)
{
  g_mutex_init (&self->lock);
  self->fd = -1;
  self->timeout_ms = MAR_DECODER_DEFAULT_TIMEOUT_MS;
  self->next_sequence = 1;
}

MarDecoder *
mar_decoder_new (void)
{
  return g_object_new (MAR_TYPE_DECODER, NULL);
}

MarDecoder *
mar_decoder_new_for_worker (const char *worker_path)
{
  g_return_val_if_fail (worker_path != NULL, NULL);
  return g_object_new (MAR_TYPE_DECODER, "worker-path", worker_path, NULL);
}

MarDecoder *
mar_decoder_get_default (void)
{
  static gsize initialized;
  static MarDecoder *default_decoder;

  if (g_once_init_enter (&initialized))
    {
      default_decoder = mar_decoder_new ();
      g_once_init_leave (&initialized, 1);
    }
  return default_decoder;
}

const char *
mar_decoder_get_worker_path (MarDecoder *self)
{
  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  return self->worker_path;
}

guint
mar_decoder_get_timeout (MarDecoder *self)
{
  g_return_val_if_fail (MAR_IS_DECODER (self), 0);
  return self->timeout_ms;
}

void
mar_decoder_set_timeout (MarDecoder *self,
                         guint       timeout_ms)
{
  g_return_if_fail (MAR_IS_DECODER (self));
  g_return_if_fail (timeout_ms > 0);

  g_mutex_lock (&self->lock);
  if (self->timeout_ms == timeout_ms)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->timeout_ms = timeout_ms;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

GPid
mar_decoder_get_worker_pid (MarDecoder *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  const char *id;

  g_return_val_if_fail (MAR_IS_DECODER (self), 0);

  locker = g_mutex_locker_new (&self->lock);
  if (self->worker == NULL)
    return 0;
  id = g_subprocess_get_identifier (self->worker);
  return id != NULL ? (GPid) g_ascii_strtoll (id, NULL, 10) : 0;
}

gboolean
mar_decoder_start (MarDecoder  *self,
                   GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (MAR_IS_DECODER (self), FALSE);

  locker = g_mutex_locker_new (&self->lock);
  return ensure_worker_locked (self, error);
}

void
mar_decoder_stop (MarDecoder *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (MAR_IS_DECODER (self));

  locker = g_mutex_locker_new (&self->lock);
  stop_worker_locked (self, FALSE);
}

/* Frames */

MarBarcodes *
mar_decoder_read_barcodes (MarDecoder              *self,
                           const MarImageView      *view,
                           const MarReaderOptions  *options,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(GBytes) request = NULL;

  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  g_return_val_if_fail (view != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  request = mar_decoder_protocol_build_frame (next_sequence (self), options, view);
  return transact (self, request, cancellable, error);
}

static void
transact_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  MarBarcodes *barcodes;

  barcodes = transact (MAR_DECODER (source_object), task_data, cancellable, &error);
  if (barcodes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, barcodes, (GDestroyNotify) mar_barcodes_unref);
}

void
mar_decoder_read_barcodes_async (MarDecoder             *self,
                                 const MarImageView     *view,
                                 const MarReaderOptions *options,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MAR_IS_DECODER (self));
  g_return_if_fail (view != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mar_decoder_read_barcodes_async);
  /* The pixels go into the request now: the caller's frame may be
   * recycled as soon as we return. */
  g_task_set_task_data (task,
                        mar_decoder_protocol_build_frame (next_sequence (self), options, view),
                        (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, transact_in_thread);
}

MarBarcodes *
mar_decoder_read_barcodes_finish (MarDecoder    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mar_decoder_read_barcodes_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Files */

/* Reads at most MAR_READER_MAX_FILE_SIZE bytes, refusing anything longer
 * without reading it all: the size on disk is not trusted (a FIFO, a
 * device, a file that grows). */
static GBytes *
read_file_limited (GFile         *file,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  guint8 chunk[65536];

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (buffer->len + (gsize) n > MAR_READER_MAX_FILE_SIZE)
        {
          g_autofree char *message = mar_decoder_protocol_describe_error (MAR_READER_ERROR_TOO_LARGE, 0, 0);

          g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE, message);
          return NULL;
        }
      g_byte_array_append (buffer, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static MarBarcodes *
decode_bytes (MarDecoder              *self,
              GBytes                  *bytes,
              const MarReaderOptions  *options,
              GCancellable            *cancellable,
              GError                 **error)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(MarReaderOptions) file_defaults = NULL;
  const guint8 *data;
  gsize size;

  /* A photo may show a label at any angle, anywhere, in any light; a
   * camera user aims and aligns it instead. */
  if (options == NULL)
    {
      file_defaults = mar_reader_options_new ();
      mar_reader_options_set_thorough (file_defaults, TRUE);
      options = file_defaults;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size > MAR_READER_MAX_FILE_SIZE)
    {
      g_autofree char *message = mar_decoder_protocol_describe_error (MAR_READER_ERROR_TOO_LARGE, 0, 0);

      g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_TOO_LARGE, message);
      return NULL;
    }
  if (size == 0)
    {
      g_autofree char *message = mar_decoder_protocol_describe_error (MAR_READER_ERROR_NOT_AN_IMAGE, 0, 0);

      g_set_error_literal (error, MAR_READER_ERROR, MAR_READER_ERROR_NOT_AN_IMAGE, message);
      return NULL;
    }
  request = mar_decoder_protocol_build_file (next_sequence (self), options, data, size);
  return transact (self, request, cancellable, error);
}

MarBarcodes *
mar_decoder_decode_image_bytes (MarDecoder              *self,
                                GBytes                  *bytes,
                                const MarReaderOptions  *options,
                                GCancellable            *cancellable,
                                GError                 **error)
{
  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return decode_bytes (self, bytes, options, cancellable, error);
}

MarBarcodes *
mar_decoder_decode_file (MarDecoder              *self,
                         GFile                   *file,
                         const MarReaderOptions  *options,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = read_file_limited (file, cancellable, error);
  if (bytes == NULL)
    return NULL;
  return decode_bytes (self, bytes, options, cancellable, error);
}

typedef struct
{
  GFile            *file;
  MarReaderOptions *options;
} DecodeFileData;

static void
decode_file_data_free (DecodeFileData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->options, mar_reader_options_free);
  g_free (data);
}

static void
decode_file_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  DecodeFileData *data = task_data;
  GError *error = NULL;
  MarBarcodes *barcodes;

  barcodes = mar_decoder_decode_file (MAR_DECODER (source_object), data->file, data->options,
                                      cancellable, &error);
  if (barcodes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, barcodes, (GDestroyNotify) mar_barcodes_unref);
}

void
mar_decoder_decode_file_async (MarDecoder             *self,
                               GFile                  *file,
                               const MarReaderOptions *options,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  DecodeFileData *data;

  g_return_if_fail (MAR_IS_DECODER (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (DecodeFileData, 1);
  data->file = g_object_ref (file);
  data->options = options != NULL ? mar_reader_options_copy (options) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mar_decoder_decode_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) decode_file_data_free);
  g_task_run_in_thread (task, decode_file_in_thread);
}

MarBarcodes *
mar_decoder_decode_file_finish (MarDecoder    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (MAR_IS_DECODER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mar_decoder_decode_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

MarBarcodes *
mar_decode_file (const char              *path,
                 const MarReaderOptions  *options,
                 GError                 **error)
{
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  return mar_decoder_decode_file (mar_decoder_get_default (), file, options, NULL, error);
}
