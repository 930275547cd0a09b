/* mar-sync.c — sync runs: the lock, the safety facts, the bookkeeping
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mar-sync-private.h"
#include "mar-time.h"

G_DEFINE_QUARK (mar-sync-error-quark, mar_sync_error)

/* ------------------------------------------------------------------------ */
/* The clock                                                                */

static gint64
default_real_time (gpointer user_data)
{
  return g_get_real_time ();
}

static gint64
default_monotonic_time (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static gboolean
default_sleep (gint64        usec,
               GCancellable *cancellable,
               gpointer      user_data)
{
  GPollFD pollfd;
  gboolean pollable;
  gint64 until = g_get_monotonic_time () + usec;

  pollable = cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pollfd);
  for (;;)
    {
      gint64 left = until - g_get_monotonic_time ();

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (left <= 0)
        {
          if (pollable)
            g_cancellable_release_fd (cancellable);
          return TRUE;
        }
      if (pollable)
        g_poll (&pollfd, 1, (int) MIN ((left + 999) / 1000, G_MAXINT));
      else
        g_usleep ((gulong) MIN (left, 100 * 1000));
    }
  if (pollable)
    g_cancellable_release_fd (cancellable);
  return FALSE;
}

static const MarHttpClock default_clock = {
  default_real_time, default_monotonic_time, default_sleep, NULL,
};

gint64
mar_sync_now (MarSync *sync)
{
  return sync->clock.real_time (sync->clock.user_data) / G_USEC_PER_SEC;
}

gboolean
mar_sync_sleep (MarSync *sync,
                gint64   seconds)
{
  if (seconds <= 0)
    return !g_cancellable_is_cancelled (sync->cancellable);
  return sync->clock.sleep (seconds * G_USEC_PER_SEC, sync->cancellable, sync->clock.user_data);
}

void
mar_sync_note_response (MarSync               *sync,
                        const MarHttpResponse *response)
{
  gint64 skew;

  if (response == NULL || !mar_http_response_get_clock_skew (response, &skew))
    return;
  if (sync->server_now == 0)
    sync->server_now = response->date;
  sync->skew_sum += skew;
  sync->skew_count++;
}

gint64
mar_sync_server_now (MarSync *sync)
{
  gint64 skew = 0;

  if (sync->server_now != 0)
    return sync->server_now;
  if (sync->skew_count > 0)
    skew = sync->skew_sum / (gint64) sync->skew_count;
  return mar_sync_now (sync) + skew;
}

/* ------------------------------------------------------------------------ */
/* Logging                                                                  */

void
mar_sync_log (GLogLevelFlags  level,
              const char     *event,
              const char     *message,
              ...)
{
  g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (GLogField));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GLogField field;
  va_list args;

  field = (GLogField) { "MESSAGE", message, -1 };
  g_array_append_val (fields, field);
  field = (GLogField) { "GLIB_DOMAIN", G_LOG_DOMAIN, -1 };
  g_array_append_val (fields, field);
  field = (GLogField) { "MAR_SYNC_EVENT", event, -1 };
  g_array_append_val (fields, field);

  va_start (args, message);
  for (const char *pair = va_arg (args, const char *); pair != NULL; pair = va_arg (args, const char *))
    {
      const char *eq = strchr (pair, '=');
      char *key;

      if (eq == NULL)
        continue;
      key = g_strndup (pair, (gsize) (eq - pair));
      g_ptr_array_add (keys, key);
      field = (GLogField) { key, eq + 1, -1 };
      g_array_append_val (fields, field);
    }
  va_end (args);

  g_log_structured_array (level, (const GLogField *) (gpointer) fields->data, fields->len);
}

/* ------------------------------------------------------------------------ */
/* Construction                                                             */

MarSync *
mar_sync_new (MarStore             *store,
              MarHttpClient        *client,
              const MarSyncOptions *options)
{
  MarSync *sync;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (client != NULL, NULL);

  sync = g_new0 (MarSync, 1);
  sync->store = g_object_ref (store);
  sync->client = client;
  sync->clock = default_clock;
  sync->page_size = MAR_SYNC_DEFAULT_PAGE_SIZE;
  sync->patients_per_query = 100;
  sync->max_push_wait = 30;
  if (options != NULL)
    {
      if (options->unit_location != NULL && *options->unit_location != '\0')
        sync->unit_location = g_strdup (options->unit_location);
      if (options->page_size > 0)
        sync->page_size = MIN (options->page_size, 1000);
      if (options->patients_per_query > 0)
        sync->patients_per_query = options->patients_per_query;
      if (options->max_push_wait >= 0)
        sync->max_push_wait = options->max_push_wait;
      if (options->time_zone != NULL)
        sync->time_zone = g_time_zone_ref (options->time_zone);
    }
  if (sync->time_zone == NULL)
    sync->time_zone = g_time_zone_new_local ();
  sync->searched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return sync;
}

MarSync *
mar_sync_new_from_config (MarStore   *store,
                          MarConfig  *config,
                          GError    **error)
{
  g_autoptr(MarHttpConfig) http_config = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  MarHttpClient *client;
  MarSyncSettings settings = { 0 };
  MarSyncOptions options = { 0 };
  MarSync *sync;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  if (!mar_sync_settings_load (config, &settings, error))
    return NULL;
  http_config = mar_http_config_new_from_config (config, error);
  if (http_config == NULL)
    {
      mar_sync_settings_clear (&settings);
      return NULL;
    }
  client = mar_http_client_new (http_config, error);
  if (client == NULL)
    {
      mar_sync_settings_clear (&settings);
      return NULL;
    }
  tz = mar_config_dup_time_zone (config);
  options.unit_location = settings.unit_location;
  options.page_size = settings.page_size;
  options.max_push_wait = -1;
  options.time_zone = tz;
  sync = mar_sync_new (store, client, &options);
  mar_sync_settings_clear (&settings);
  return sync;
}

void
mar_sync_free (MarSync *sync)
{
  if (sync == NULL)
    return;
  g_clear_object (&sync->store);
  g_clear_pointer (&sync->client, mar_http_client_free);
  g_clear_pointer (&sync->time_zone, g_time_zone_unref);
  g_clear_pointer (&sync->searched, g_hash_table_unref);
  g_free (sync->unit_location);
  g_free (sync);
}

void
mar_sync_set_clock (MarSync            *sync,
                    const MarHttpClock *clock)
{
  g_return_if_fail (sync != NULL);

  sync->clock = clock != NULL ? *clock : default_clock;
  mar_http_client_set_clock (sync->client, clock);
}

void
mar_sync_set_progress_func (MarSync             *sync,
                            MarSyncProgressFunc  func,
                            gpointer             user_data)
{
  g_return_if_fail (sync != NULL);

  sync->progress = func;
  sync->progress_data = user_data;
}

MarStore *
mar_sync_get_store (MarSync *sync)
{
  g_return_val_if_fail (sync != NULL, NULL);
  return sync->store;
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                 */

static gboolean
setting_in_range (MarConfig   *config,
                  const char  *group,
                  const char  *key,
                  gint64       fallback,
                  gint64       low,
                  gint64       high,
                  guint       *out,
                  GError     **error)
{
  g_autofree char *text = mar_config_dup_string (config, group, key);
  gint64 value = fallback;

  if (text != NULL && !g_ascii_string_to_signed (text, 10, low, high, &value, NULL))
    {
      g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_CONFIG,
                   _("[%s] %s=%s: expected a whole number from %" G_GINT64_FORMAT " to %"
                     G_GINT64_FORMAT), group, key, text, low, high);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
mar_sync_settings_load (MarConfig        *config,
                        MarSyncSettings  *settings,
                        GError          **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  memset (settings, 0, sizeof *settings);
  if (!setting_in_range (config, "sync", "interval", MAR_SYNC_DEFAULT_INTERVAL, 10, 86400,
                         &settings->interval, error) ||
      !setting_in_range (config, "sync", "stale-after", MAR_SYNC_DEFAULT_STALE_AFTER, 60, 86400,
                         &settings->stale_after, error) ||
      !setting_in_range (config, "sync", "page-size", MAR_SYNC_DEFAULT_PAGE_SIZE, 10, 1000,
                         &settings->page_size, error))
    return FALSE;
  settings->unit_location = mar_config_dup_string (config, "unit", "location");
  if (settings->unit_location != NULL &&
      (strchr (settings->unit_location, ',') != NULL || strchr (settings->unit_location, '&') != NULL))
    {
      g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_CONFIG,
                   _("[unit] location=%s: expected one Location id or identifier"),
                   settings->unit_location);
      mar_sync_settings_clear (settings);
      return FALSE;
    }
  return TRUE;
}

void
mar_sync_settings_clear (MarSyncSettings *settings)
{
  if (settings != NULL)
    g_clear_pointer (&settings->unit_location, g_free);
}

/* ------------------------------------------------------------------------ */
/* The lock                                                                 */

/* flock(2) on "<database>.sync-lock": released by the kernel when the
 * process dies, so a crashed sync never blocks the next one. Each call opens
 * the file anew, so two syncs in one process exclude each other too. */
static int
lock_acquire (MarSync  *sync,
              GError  **error)
{
  const char *db_path = mar_store_get_path (sync->store);
  g_autofree char *path = g_strconcat (db_path, ".sync-lock", NULL);
  g_autofree char *pid = NULL;
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_LOCK,
                   _("Cannot make the sync lock %s: %s"), path, g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved = errno;
      char holder[32] = { 0 };
      ssize_t n;

      if (saved == EWOULDBLOCK)
        {
          n = pread (fd, holder, sizeof holder - 1, 0);
          holder[n > 0 ? n : 0] = '\0';
          g_strstrip (holder);
          if (*holder != '\0')
            g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BUSY,
                         _("Another sync of this terminal's database is running (process %s); "
                           "try again when it has finished"), holder);
          else
            g_set_error_literal (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BUSY,
                                 _("Another sync of this terminal's database is running; "
                                   "try again when it has finished"));
        }
      else
        g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_LOCK,
                     _("Cannot lock %s: %s"), path, g_strerror (saved));
      close (fd);
      return -1;
    }
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (fd, 0) != 0 || pwrite (fd, pid, strlen (pid), 0) < 0)
    {
      /* The pid is only a courtesy for the "busy" message. */
    }
  return fd;
}

static void
lock_release (int fd)
{
  if (fd < 0)
    return;
  if (ftruncate (fd, 0) != 0)
    {
      /* Ditto: the lock itself goes with the descriptor. */
    }
  flock (fd, LOCK_UN);
  close (fd);
}

/* ------------------------------------------------------------------------ */
/* Runs                                                                     */

static gboolean
set_setting_int (MarStore    *store,
                 const char  *key,
                 gint64       value,
                 GError     **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  return mar_store_set_setting (store, key, text, error);
}

typedef enum
{
  PHASE_PUSH = 1 << 0,
  PHASE_PULL = 1 << 1,
} Phases;

static gboolean
run_phases (MarSync        *sync,
            Phases          phases,
            MarSyncReport  *report,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr(GError) first_error = NULL;
  MarSyncReport local_report;
  gint64 started, started_us;
  gboolean pushed = FALSE;
  int lock;

  g_return_val_if_fail (sync != NULL, FALSE);

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);

  lock = lock_acquire (sync, error);
  if (lock < 0)
    {
      mar_sync_log (G_LOG_LEVEL_MESSAGE, "busy", "Sync not started: another sync holds the lock", NULL);
      return FALSE;
    }

  sync->cancellable = cancellable;
  sync->report = report;
  sync->server_now = 0;
  sync->skew_sum = 0;
  sync->skew_count = 0;
  started = mar_sync_now (sync);
  started_us = sync->clock.monotonic_time (sync->clock.user_data);

  /* Records first: what this terminal charted reaches the server (and the
   * other terminals) before anything else (FHIR-PROFILE.md, Written). */
  if ((phases & PHASE_PUSH) != 0)
    {
      g_autoptr(GError) local_error = NULL;

      if (mar_sync_push_locked (sync, &local_error))
        pushed = report->push_retries == 0;
      else
        first_error = g_steal_pointer (&local_error);
    }

  if ((phases & PHASE_PULL) != 0 && !g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr(GError) local_error = NULL;

      if (mar_sync_pull_locked (sync, &local_error))
        report->pull_complete = TRUE;
      else if (first_error == NULL)
        first_error = g_steal_pointer (&local_error);
    }
  else if ((phases & PHASE_PULL) != 0 && first_error == NULL)
    g_set_error_literal (&first_error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));

  if (sync->skew_count > 0)
    {
      report->clock_skew_known = TRUE;
      report->clock_skew = sync->skew_sum / (gint64) sync->skew_count;
    }
  if (!mar_sync_store_next_push (sync->store, mar_sync_now (sync), &report->next_push, NULL))
    report->next_push = 0;

  /* The run's outcome, in one transaction. */
  {
    g_autoptr(GError) record_error = NULL;
    gboolean ok = mar_store_begin (sync->store, &record_error);

    /* The cache holds everything the server had when the pull began:
     * that is the age CACHE_STALE judges (RULES.md). */
    if (ok && report->pull_complete)
      ok = mar_store_set_last_sync (sync->store, started, &record_error);
    if (ok && pushed)
      ok = set_setting_int (sync->store, SYNC_SETTING_LAST_PUSH, mar_sync_now (sync), &record_error);
    if (ok && report->clock_skew_known)
      ok = set_setting_int (sync->store, SYNC_SETTING_SKEW, report->clock_skew, &record_error) &&
           set_setting_int (sync->store, SYNC_SETTING_SKEW_AT, mar_sync_now (sync), &record_error);
    if (ok)
      ok = set_setting_int (sync->store, SYNC_SETTING_LAST_ATTEMPT, started, &record_error) &&
           mar_store_set_setting (sync->store, SYNC_SETTING_LAST_ERROR,
                                  first_error != NULL ? first_error->message : "", &record_error);
    if (ok)
      ok = mar_store_commit (sync->store, &record_error);
    else if (mar_store_in_transaction (sync->store))
      mar_store_rollback (sync->store);
    if (!ok)
      {
        /* Without the last sync time the verdicts warn CACHE_STALE: the
         * safe side. The run itself failed to finish. */
        report->pull_complete = FALSE;
        if (first_error == NULL)
          first_error = g_steal_pointer (&record_error);
      }
  }

  {
    guint created = 0, updated = 0, removed = 0, quarantined = 0;
    g_autofree char *f_created = NULL, *f_updated = NULL, *f_removed = NULL, *f_quarantined = NULL;
    g_autofree char *f_pushed = NULL, *f_parked = NULL, *f_pending = NULL, *f_ms = NULL;
    g_autofree char *f_pages = NULL, *f_skew = NULL;
    g_autofree char *message = NULL;
    gint64 ms = (sync->clock.monotonic_time (sync->clock.user_data) - started_us) / 1000;

    for (guint i = 0; i < MAR_FHIR_N_RESOURCE_TYPES; i++)
      {
        created += report->counts[i].created;
        updated += report->counts[i].updated;
        removed += report->counts[i].removed;
        quarantined += report->counts[i].quarantined;
      }
    f_created = g_strdup_printf ("MAR_SYNC_CREATED=%u", created);
    f_updated = g_strdup_printf ("MAR_SYNC_UPDATED=%u", updated);
    f_removed = g_strdup_printf ("MAR_SYNC_REMOVED=%u", removed);
    f_quarantined = g_strdup_printf ("MAR_SYNC_QUARANTINED=%u", quarantined);
    f_pushed = g_strdup_printf ("MAR_SYNC_PUSHED=%u", report->pushed);
    f_parked = g_strdup_printf ("MAR_SYNC_PARKED=%u", report->push_parked);
    f_pending = g_strdup_printf ("MAR_SYNC_PENDING=%u", report->push_pending);
    f_pages = g_strdup_printf ("MAR_SYNC_PAGES=%u", report->pages);
    f_ms = g_strdup_printf ("MAR_SYNC_DURATION_MS=%" G_GINT64_FORMAT, ms);
    f_skew = g_strdup_printf ("MAR_SYNC_CLOCK_SKEW=%" G_GINT64_FORMAT, report->clock_skew);
    if (first_error == NULL)
      message = g_strdup_printf ("Sync done in %" G_GINT64_FORMAT " ms: %u created, %u updated, "
                                 "%u removed, %u quarantined; %u pushed, %u parked, %u pending",
                                 ms, created, updated, removed, quarantined,
                                 report->pushed, report->push_parked, report->push_pending);
    else
      /* The error names servers, files and settings, never patients. */
      message = g_strdup_printf ("Sync failed after %" G_GINT64_FORMAT " ms: %s", ms, first_error->message);
    mar_sync_log (first_error == NULL ? G_LOG_LEVEL_INFO : G_LOG_LEVEL_MESSAGE,
                  first_error == NULL ? "done" : "failed", message,
                  f_created, f_updated, f_removed, f_quarantined, f_pushed, f_parked, f_pending,
                  f_pages, f_ms, report->clock_skew_known ? f_skew : NULL, NULL);
  }

  sync->cancellable = NULL;
  sync->report = NULL;
  lock_release (lock);

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
mar_sync_run (MarSync        *sync,
              MarSyncReport  *report,
              GCancellable   *cancellable,
              GError        **error)
{
  return run_phases (sync, PHASE_PUSH | PHASE_PULL, report, cancellable, error);
}

gboolean
mar_sync_pull (MarSync        *sync,
               MarSyncReport  *report,
               GCancellable   *cancellable,
               GError        **error)
{
  return run_phases (sync, PHASE_PULL, report, cancellable, error);
}

gboolean
mar_sync_push (MarSync        *sync,
               MarSyncReport  *report,
               GCancellable   *cancellable,
               GError        **error)
{
  return run_phases (sync, PHASE_PUSH, report, cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* State                                                                    */

static gint64
setting_time (MarStore   *store,
              const char *key)
{
  g_autofree char *text = mar_store_dup_setting (store, key, NULL);
  gint64 value;

  if (text == NULL || !g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    return MAR_TIME_UNSET;
  return value;
}

MarSyncState *
mar_sync_state_load (MarStore  *store,
                     GError   **error)
{
  g_autoptr(MarSyncState) state = g_new0 (MarSyncState, 1);
  g_autofree char *last_error = NULL;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  if (!mar_store_get_last_sync (store, &state->last_pull, error))
    return NULL;
  state->last_push = setting_time (store, SYNC_SETTING_LAST_PUSH);
  state->last_attempt = setting_time (store, SYNC_SETTING_LAST_ATTEMPT);
  last_error = mar_store_dup_setting (store, SYNC_SETTING_LAST_ERROR, NULL);
  if (last_error != NULL && *last_error != '\0')
    state->last_error = g_steal_pointer (&last_error);
  state->clock_skew = setting_time (store, SYNC_SETTING_SKEW);
  state->clock_skew_known = state->clock_skew != MAR_TIME_UNSET;
  if (!state->clock_skew_known)
    state->clock_skew = 0;
  state->clock_skew_measured = setting_time (store, SYNC_SETTING_SKEW_AT);
  state->scope = mar_store_dup_setting (store, SYNC_SETTING_SCOPE, NULL);
  return g_steal_pointer (&state);
}

void
mar_sync_state_free (MarSyncState *state)
{
  if (state == NULL)
    return;
  g_free (state->last_error);
  g_free (state->scope);
  g_free (state);
}

void
mar_sync_watermark_free (MarSyncWatermark *watermark)
{
  if (watermark == NULL)
    return;
  g_free (watermark->key);
  g_free (watermark->watermark);
  g_free (watermark);
}

GPtrArray *
mar_sync_list_watermarks (MarStore  *store,
                          GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_sync_watermark_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MAR_IS_STORE (store), NULL);

  stmt = mar_store_prepare (store,
                            "SELECT resource_type, watermark, updated_at FROM sync_watermarks "
                            "ORDER BY resource_type", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      MarSyncWatermark *w = g_new0 (MarSyncWatermark, 1);

      w->key = mar_store_column_dup (stmt, 0);
      w->watermark = mar_store_column_dup (stmt, 1);
      w->updated_at = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (list, w);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
mar_sync_load_clock_skew (MarStore  *store,
                          gboolean  *known,
                          gint64    *skew,
                          GError   **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  gint64 value;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (known != NULL && skew != NULL, FALSE);

  *known = FALSE;
  *skew = 0;
  text = mar_store_dup_setting (store, SYNC_SETTING_SKEW, &local_error);
  if (text == NULL)
    {
      if (g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    {
      *known = TRUE;
      *skew = value;
    }
  return TRUE;
}

gboolean
mar_sync_update_verifier (MarVerifier  *verifier,
                          GError      **error)
{
  gboolean known;
  gint64 skew;

  g_return_val_if_fail (MAR_IS_VERIFIER (verifier), FALSE);

  if (!mar_sync_load_clock_skew (mar_verifier_get_store (verifier), &known, &skew, error))
    return FALSE;
  mar_verifier_set_clock_skew (verifier, known, skew);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Store helpers                                                            */

static void
bind_text (MarStmt    *stmt,
           int         index,
           const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
run_write (MarStore  *store,
           MarStmt   *stmt,
           GError   **error)
{
  if (!mar_store_begin (store, error))
    return FALSE;
  if (!mar_store_run (store, stmt, error))
    {
      mar_store_rollback (store);
      return FALSE;
    }
  return mar_store_commit (store, error);
}

gboolean
mar_sync_store_clear_watermarks (MarStore    *store,
                                 const char  *key,
                                 GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  if (key == NULL)
    stmt = mar_store_prepare (store, "DELETE FROM sync_watermarks", error);
  else
    {
      /* With the time its last complete search began (mar-sync-pull.c). */
      stmt = mar_store_prepare (store,
                                "DELETE FROM sync_watermarks WHERE resource_type IN (?1, ?1 || '@searched')",
                                error);
      if (stmt != NULL)
        bind_text (stmt, 1, key);
    }
  return stmt != NULL && run_write (store, stmt, error);
}

gboolean
mar_sync_store_is_quarantined (MarStore    *store,
                               const char  *resource_type,
                               const char  *resource_id,
                               const char  *version,
                               gboolean    *quarantined,
                               GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  stmt = mar_store_prepare (store,
                            "SELECT 1 FROM quarantine WHERE resource_type = ?1 AND resource_id IS ?2 "
                            "AND version_id IS ?3 AND resolved_at IS NULL LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_type);
  bind_text (stmt, 2, resource_id);
  bind_text (stmt, 3, version);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  *quarantined = rc == SQLITE_ROW;
  return TRUE;
}

gboolean
mar_sync_store_release_quarantine (MarStore    *store,
                                   const char  *resource_type,
                                   const char  *resource_id,
                                   GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;

  stmt = mar_store_prepare (store,
                            "UPDATE quarantine SET resolved_at = strftime('%s', 'now') "
                            "WHERE resource_type = ?1 AND resource_id = ?2 AND resolved_at IS NULL",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, resource_type);
  bind_text (stmt, 2, resource_id);
  return mar_store_in_transaction (store) ? mar_store_run (store, stmt, error)
                                          : run_write (store, stmt, error);
}

void
mar_sync_quarantined_free (MarSyncQuarantined *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->resource_type);
  g_free (entry->resource_id);
  g_free (entry->json);
  g_free (entry);
}

GPtrArray *
mar_sync_store_list_quarantined_json (MarStore  *store,
                                      GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_sync_quarantined_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  /* The newest entry of each resource: older versions are moot. */
  stmt = mar_store_prepare (store,
                            "SELECT resource_type, resource_id, raw_json FROM quarantine "
                            "WHERE id IN (SELECT max(id) FROM quarantine WHERE resolved_at IS NULL "
                            "             AND raw_json IS NOT NULL AND resource_id IS NOT NULL "
                            "             GROUP BY resource_type, resource_id) "
                            "ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      MarSyncQuarantined *entry = g_new0 (MarSyncQuarantined, 1);

      entry->resource_type = mar_store_column_dup (stmt, 0);
      entry->resource_id = mar_store_column_dup (stmt, 1);
      entry->json = mar_store_column_dup (stmt, 2);
      g_ptr_array_add (list, entry);
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&list);
}

gboolean
mar_sync_store_is_own_resource (MarStore    *store,
                                const char  *uuid,
                                gboolean    *own,
                                GError     **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  /* A row of ours made on this terminal has no server version; a pulled
   * one always has one (mar-store.h, MarResourceInfo). */
  stmt = mar_store_prepare (store,
                            "SELECT EXISTS (SELECT 1 FROM outbox WHERE resource_uuid = ?1) "
                            "    OR EXISTS (SELECT 1 FROM administrations WHERE id = ?1 AND version_id IS NULL)",
                            error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  rc = mar_store_step (store, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;
  *own = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

GPtrArray *
mar_sync_store_list_incomplete_patients (MarStore  *store,
                                         GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  stmt = mar_store_prepare (store,
                            "SELECT id FROM patients WHERE data_incomplete = 1 AND removed = 0 ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (list, mar_store_column_dup (stmt, 0));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&list);
}

GHashTable *
mar_sync_store_patients_at (MarStore    *store,
                            GHashTable  *locations,
                            GError     **error)
{
  g_autoptr(GHashTable) patients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  /* FHIR-PROFILE.md, Encounter: an in-progress encounter puts the patient
   * in its bed; mar-store keeps the current location of each. */
  stmt = mar_store_prepare (store,
                            "SELECT patient_id, location_id FROM encounters "
                            "WHERE removed = 0 AND status = 'in-progress' AND location_id IS NOT NULL",
                            error);
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      const char *location = (const char *) sqlite3_column_text (stmt, 1);

      if (location != NULL && g_hash_table_contains (locations, location))
        g_hash_table_add (patients, mar_store_column_dup (stmt, 0));
    }
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&patients);
}

/* Whether a Location's JSON carries @wanted as an identifier value, or as
 * system|value. */
static gboolean
location_has_identifier (const char *json,
                         const char *wanted)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *identifiers;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  {
    JsonNode *node = json_object_get_member (json_node_get_object (root), "identifier");

    if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
      return FALSE;
    identifiers = json_node_get_array (node);
  }
  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonNode *node = json_array_get_element (identifiers, i);
      JsonObject *identifier;
      const char *system, *value;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      identifier = json_node_get_object (node);
      system = json_object_get_string_member_with_default (identifier, "system", NULL);
      value = json_object_get_string_member_with_default (identifier, "value", NULL);
      if (value == NULL)
        continue;
      if (g_strcmp0 (value, wanted) == 0)
        return TRUE;
      if (system != NULL)
        {
          g_autofree char *both = g_strconcat (system, "|", value, NULL);

          if (strcmp (both, wanted) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

GHashTable *
mar_sync_store_unit_locations (MarStore    *store,
                               const char  *unit,
                               char       **unit_id,
                               GError     **error)
{
  g_autoptr(GHashTable) children = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) queue = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *found = NULL;
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  stmt = mar_store_prepare (store, "SELECT id, part_of FROM locations WHERE removed = 0", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      const char *parent = (const char *) sqlite3_column_text (stmt, 1);

      if (g_strcmp0 (id, unit) == 0)
        found = g_strdup (id);
      if (parent != NULL)
        {
          GPtrArray *list = g_hash_table_lookup (children, parent);

          if (list == NULL)
            {
              list = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (children, g_strdup (parent), list);
            }
          g_ptr_array_add (list, g_strdup (id));
        }
    }
  if (rc < 0)
    return NULL;
  g_clear_pointer (&stmt, mar_stmt_release);

  if (found == NULL)
    {
      /* [unit] location may be an identifier of the Location. */
      stmt = mar_store_prepare (store,
                                "SELECT j.id, j.json FROM resource_json j JOIN locations l ON l.id = j.id "
                                "WHERE j.resource_type = 'Location' AND l.removed = 0 ORDER BY j.id",
                                error);
      if (stmt == NULL)
        return NULL;
      while (found == NULL && (rc = mar_store_step (store, stmt, error)) == SQLITE_ROW)
        if (location_has_identifier ((const char *) sqlite3_column_text (stmt, 1), unit))
          found = mar_store_column_dup (stmt, 0);
      if (rc < 0)
        return NULL;
    }
  if (found == NULL)
    {
      g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_UNIT_UNKNOWN,
                   _("[unit] location=%s names no Location on the server (by id or identifier)"),
                   unit);
      return NULL;
    }

  /* The unit, its rooms and its beds (Location.partOf), cycles ignored. */
  g_ptr_array_add (queue, g_strdup (found));
  for (guint i = 0; i < queue->len; i++)
    {
      const char *id = g_ptr_array_index (queue, i);
      GPtrArray *list;

      if (g_hash_table_contains (result, id))
        continue;
      g_hash_table_add (result, g_strdup (id));
      list = g_hash_table_lookup (children, id);
      for (guint j = 0; list != NULL && j < list->len; j++)
        g_ptr_array_add (queue, g_strdup (g_ptr_array_index (list, j)));
    }
  if (unit_id != NULL)
    *unit_id = g_steal_pointer (&found);
  return g_steal_pointer (&result);
}

gboolean
mar_sync_store_next_push (MarStore  *store,
                          gint64     now,
                          gint64    *when,
                          GError   **error)
{
  g_autoptr(MarStmt) stmt = NULL;
  int rc;

  stmt = mar_store_prepare (store,
                            "SELECT min(next_attempt) FROM outbox WHERE state = 'pending' AND next_attempt > ?1",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  rc = mar_store_step (store, stmt, error);
  if (rc < 0)
    return FALSE;
  *when = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}
