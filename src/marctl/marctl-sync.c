/* marctl-sync.c — marctl sync, status and outbox: the terminal and its FHIR server
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `marctl sync` without --once is what bedside-mar-sync.service runs: a
 * sync every [sync] interval (sooner when an outbox entry's retry is due)
 * until SIGTERM. IT reads the outcome with `marctl status` and handles
 * records the server refused with `marctl outbox show --failed` and
 * `marctl outbox retry`.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <string.h>

#include "marctl.h"
#include "mar-outbox.h"
#include "mar-sync.h"
#include "mar-time.h"

/* ------------------------------------------------------------------------ */
/* Shared                                                                   */

static int
exit_code_for_sync_error (const GError *error)
{
  if (error->domain == MAR_SYNC_ERROR)
    {
      switch ((MarSyncError) error->code)
        {
        case MAR_SYNC_ERROR_BUSY:
          return MARCTL_EXIT_TEMPFAIL;
        case MAR_SYNC_ERROR_CONFIG:
        case MAR_SYNC_ERROR_UNIT_UNKNOWN:
          return MARCTL_EXIT_CONFIG;
        case MAR_SYNC_ERROR_LOCK:
          return MARCTL_EXIT_CANTCREAT;
        case MAR_SYNC_ERROR_BAD_BUNDLE:
        case MAR_SYNC_ERROR_INCOMPLETE:
        default:
          return MARCTL_EXIT_FAILURE;
        }
    }
  if (error->domain == MAR_HTTP_ERROR)
    {
      if (mar_http_error_is_transient (error))
        return MARCTL_EXIT_TEMPFAIL;
      switch ((MarHttpError) error->code)
        {
        case MAR_HTTP_ERROR_CONFIG:
        case MAR_HTTP_ERROR_TLS_UNTRUSTED:
        case MAR_HTTP_ERROR_TLS_EXPIRED:
        case MAR_HTTP_ERROR_TLS_HOSTNAME:
        case MAR_HTTP_ERROR_TLS_PIN_MISMATCH:
        case MAR_HTTP_ERROR_TLS_CLIENT_CERT:
        case MAR_HTTP_ERROR_AUTH:
          return MARCTL_EXIT_CONFIG;
        default:
          return MARCTL_EXIT_FAILURE;
        }
    }
  if (error->domain == MAR_CONFIG_ERROR || error->domain == MAR_STORE_ERROR)
    return marctl_exit_code_for_error (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return MARCTL_EXIT_TEMPFAIL;
  return MARCTL_EXIT_FAILURE;
}

static char *
format_time (MarctlContext *ctx,
             gint64         t)
{
  if (t == MAR_TIME_UNSET || t <= 0)
    return g_strdup (_("never"));
  return mar_time_format_iso (t, ctx->time_zone);
}

static void
add_time_member (JsonBuilder *builder,
                 const char  *name,
                 gint64       t)
{
  json_builder_set_member_name (builder, name);
  if (t == MAR_TIME_UNSET || t <= 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = mar_time_format_utc (t);

      json_builder_add_string_value (builder, text);
    }
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static const char *
operation_name (MarOutboxOperation operation)
{
  return operation == MAR_OUTBOX_UPDATE ? "update" : "create";
}

static void
add_outbox_entry (JsonBuilder          *builder,
                  const MarOutboxEntry *entry)
{
  json_builder_begin_object (builder);
  add_int_member (builder, "seq", entry->seq);
  add_string_member (builder, "state", mar_outbox_state_to_string (entry->state));
  add_string_member (builder, "resourceType", entry->resource_type);
  add_string_member (builder, "operation", operation_name (entry->operation));
  add_string_member (builder, "resourceUuid", entry->resource_uuid);
  add_string_member (builder, "dependsOn", entry->depends_on);
  add_int_member (builder, "attempts", entry->attempts);
  add_time_member (builder, "nextAttempt", entry->state == MAR_OUTBOX_PENDING ? entry->next_attempt : 0);
  add_time_member (builder, "created", entry->created_at);
  add_time_member (builder, "sent", entry->sent_at);
  add_string_member (builder, "message", entry->last_error);
  json_builder_end_object (builder);
}

static void
print_outbox_entry (MarctlContext        *ctx,
                    const MarOutboxEntry *entry)
{
  g_autofree char *created = format_time (ctx, entry->created_at);

  g_print ("%6" G_GINT64_FORMAT "  %-7s  %-24s  %-6s  %s  %s  %d\n", entry->seq,
           mar_outbox_state_to_string (entry->state), entry->resource_type,
           operation_name (entry->operation), entry->resource_uuid, created, entry->attempts);
  if (entry->last_error != NULL)
    g_print ("        %s\n", entry->last_error);
}

/* ------------------------------------------------------------------------ */
/* marctl sync                                                              */

static void
add_report (JsonBuilder         *builder,
            const MarSyncReport *report)
{
  json_builder_set_member_name (builder, "pulled");
  json_builder_begin_object (builder);
  for (guint t = 0; t < MAR_FHIR_N_RESOURCE_TYPES; t++)
    {
      const MarSyncTypeCounts *c = &report->counts[t];

      if (c->created + c->updated + c->unchanged + c->removed + c->quarantined == 0)
        continue;
      json_builder_set_member_name (builder, mar_fhir_resource_type_to_name (t));
      json_builder_begin_object (builder);
      add_int_member (builder, "created", c->created);
      add_int_member (builder, "updated", c->updated);
      add_int_member (builder, "unchanged", c->unchanged);
      add_int_member (builder, "removed", c->removed);
      add_int_member (builder, "quarantined", c->quarantined);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  add_int_member (builder, "pages", report->pages);
  add_int_member (builder, "arrivals", report->arrivals);
  add_int_member (builder, "released", report->released);
  add_int_member (builder, "pushed", report->pushed);
  add_int_member (builder, "parked", report->push_parked);
  add_int_member (builder, "retries", report->push_retries);
  add_int_member (builder, "pending", report->push_pending);
  json_builder_set_member_name (builder, "pullComplete");
  json_builder_add_boolean_value (builder, report->pull_complete);
  json_builder_set_member_name (builder, "clockSkew");
  if (report->clock_skew_known)
    json_builder_add_int_value (builder, report->clock_skew);
  else
    json_builder_add_null_value (builder);
}

static void
print_report (const MarSyncReport *report)
{
  guint created = 0, updated = 0, unchanged = 0, removed = 0, quarantined = 0;

  for (guint t = 0; t < MAR_FHIR_N_RESOURCE_TYPES; t++)
    {
      created += report->counts[t].created;
      updated += report->counts[t].updated;
      unchanged += report->counts[t].unchanged;
      removed += report->counts[t].removed;
      quarantined += report->counts[t].quarantined;
    }
  g_print (_("Pulled: %u created, %u updated, %u unchanged, %u removed, %u quarantined "
             "(%u pages; %u patients new on the unit)\n"),
           created, updated, unchanged, removed, quarantined, report->pages, report->arrivals);
  g_print (_("Pushed: %u sent, %u refused (parked), %u still pending\n"),
           report->pushed, report->push_parked, report->push_pending);
  if (report->clock_skew_known)
    g_print (_("Server clock − terminal clock: %" G_GINT64_FORMAT " s\n"), report->clock_skew);
}

typedef struct
{
  MarSync      *sync;
  GCancellable *cancellable;
  guint         interval;
  GMainLoop    *loop;
} Service;

static gboolean
on_stop_signal (gpointer user_data)
{
  Service *service = user_data;

  g_message ("Stopping the sync service");
  g_cancellable_cancel (service->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Waits @seconds unless cancelled. */
static void
wait_cancellable (GCancellable *cancellable,
                  gint64        seconds)
{
  GPollFD pollfd;

  if (!g_cancellable_make_pollfd (cancellable, &pollfd))
    return;
  if (!g_cancellable_is_cancelled (cancellable))
    g_poll (&pollfd, 1, (int) MIN (seconds * 1000, G_MAXINT));
  g_cancellable_release_fd (cancellable);
}

/* The worker: one sync after another until cancelled. Errors are logged
 * (mar-sync's structured log) and the next run tries again. */
static gpointer
service_thread (gpointer user_data)
{
  Service *service = user_data;

  while (!g_cancellable_is_cancelled (service->cancellable))
    {
      MarSyncReport report;
      g_autoptr(GError) error = NULL;
      gint64 now, wait = service->interval;

      mar_sync_run (service->sync, &report, service->cancellable, &error);
      now = g_get_real_time () / G_USEC_PER_SEC;
      /* A record waiting for its retry is worth waking up earlier for. */
      if (report.next_push > now && report.next_push - now < wait)
        wait = MAX (report.next_push - now, 5);
      wait_cancellable (service->cancellable, wait);
    }
  g_idle_add (quit_loop, service->loop);
  return NULL;
}

int
marctl_sync_run (MarctlContext *ctx,
                 int            argc,
                 char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSync) sync = NULL;
  gboolean once = FALSE;
  gboolean json = FALSE;
  MarSyncSettings settings = { 0 };
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once, N_("Sync once and exit (otherwise every [sync] interval until stopped)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("With --once: print what was done as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— push the outbox and pull what changed on the FHIR server"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("The server is [server] url (with ca-file, pin, client-cert, client-key,\n"
      "token-file or the OAuth2 settings); the unit is [unit] location. Exit status:\n"
      "0 done, 75 try again later (server unreachable, another sync running),\n"
      "78 configuration (TLS, credentials, settings), 1 other failures."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc > 1)
    {
      marctl_print_error (_("sync takes no arguments (see marctl sync --help)"));
      return MARCTL_EXIT_USAGE;
    }

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  if (!mar_sync_settings_load (ctx->config, &settings, &error) ||
      (sync = mar_sync_new_from_config (store, ctx->config, &error)) == NULL)
    {
      mar_sync_settings_clear (&settings);
      marctl_print_error ("%s", error->message);
      return exit_code_for_sync_error (error);
    }

  if (once)
    {
      MarSyncReport report;
      gboolean ok = mar_sync_run (sync, &report, NULL, &error);

      mar_sync_settings_clear (&settings);
      if (json)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autoptr(JsonNode) root = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "ok");
          json_builder_add_boolean_value (builder, ok);
          add_string_member (builder, "error", ok ? NULL : error->message);
          add_report (builder, &report);
          json_builder_end_object (builder);
          root = json_builder_get_root (builder);
          marctl_print_json (root);
        }
      else if (ok || !g_error_matches (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BUSY))
        print_report (&report);
      if (!ok)
        {
          marctl_print_error ("%s", error->message);
          return exit_code_for_sync_error (error);
        }
      return MARCTL_EXIT_OK;
    }

  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    Service service = { sync, cancellable, settings.interval, loop };
    guint term, intr;
    GThread *thread;

    mar_sync_settings_clear (&settings);
    term = g_unix_signal_add (SIGTERM, on_stop_signal, &service);
    intr = g_unix_signal_add (SIGINT, on_stop_signal, &service);
    g_message ("Sync service started: every %u s", service.interval);
    thread = g_thread_new ("sync", service_thread, &service);
    g_main_loop_run (loop);
    g_thread_join (thread);
    g_source_remove (term);
    g_source_remove (intr);
  }
  return MARCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* marctl status                                                            */

int
marctl_status_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSyncState) state = NULL;
  g_autoptr(GPtrArray) watermarks = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) quarantined = NULL;
  g_autofree char *server = NULL;
  MarSyncSettings settings = { 0 };
  MarOutboxCounts counts;
  gboolean json = FALSE;
  gboolean stale;
  MarStore *store;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— the last sync, the outbox and what the server refused"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (!mar_sync_settings_load (ctx->config, &settings, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_CONFIG;
    }
  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    {
      mar_sync_settings_clear (&settings);
      return status;
    }

  server = mar_config_dup_string (ctx->config, "server", "url");
  if ((state = mar_sync_state_load (store, &error)) == NULL ||
      (watermarks = mar_sync_list_watermarks (store, &error)) == NULL ||
      !mar_outbox_get_counts (store, &counts, &error) ||
      (failed = mar_outbox_list (store, MAR_OUTBOX_FAILED, &error)) == NULL ||
      (quarantined = mar_store_list_quarantined (store, &error)) == NULL)
    {
      mar_sync_settings_clear (&settings);
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }
  stale = state->last_pull == MAR_TIME_UNSET || now - state->last_pull > settings.stale_after;

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      const char * const *sources = mar_config_get_sources (ctx->config);

      json_builder_begin_object (builder);
      add_string_member (builder, "server", server);
      add_string_member (builder, "unit", settings.unit_location);
      add_string_member (builder, "database", ctx->db_path);
      json_builder_set_member_name (builder, "configFiles");
      json_builder_begin_array (builder);
      for (guint i = 0; sources[i] != NULL; i++)
        json_builder_add_string_value (builder, sources[i]);
      json_builder_end_array (builder);
      add_time_member (builder, "lastPull", state->last_pull);
      json_builder_set_member_name (builder, "stale");
      json_builder_add_boolean_value (builder, stale);
      add_int_member (builder, "staleAfter", settings.stale_after);
      add_time_member (builder, "lastPush", state->last_push);
      add_time_member (builder, "lastAttempt", state->last_attempt);
      add_string_member (builder, "lastError", state->last_error);
      json_builder_set_member_name (builder, "clockSkew");
      if (state->clock_skew_known)
        json_builder_add_int_value (builder, state->clock_skew);
      else
        json_builder_add_null_value (builder);
      add_time_member (builder, "clockSkewMeasured", state->clock_skew_measured);

      json_builder_set_member_name (builder, "watermarks");
      json_builder_begin_object (builder);
      for (guint i = 0; i < watermarks->len; i++)
        {
          MarSyncWatermark *w = g_ptr_array_index (watermarks, i);

          add_string_member (builder, w->key, w->watermark);
        }
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "outbox");
      json_builder_begin_object (builder);
      add_int_member (builder, "pending", counts.pending);
      add_int_member (builder, "failed", counts.failed);
      add_int_member (builder, "sent", counts.sent);
      add_time_member (builder, "oldestUnsent", counts.oldest_pending);
      json_builder_end_object (builder);

      json_builder_set_member_name (builder, "failed");
      json_builder_begin_array (builder);
      for (guint i = 0; i < failed->len; i++)
        add_outbox_entry (builder, g_ptr_array_index (failed, i));
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "quarantined");
      json_builder_begin_array (builder);
      for (guint i = 0; i < quarantined->len; i++)
        {
          MarQuarantined *q = g_ptr_array_index (quarantined, i);

          json_builder_begin_object (builder);
          add_string_member (builder, "resourceType", q->resource_type);
          add_string_member (builder, "id", q->resource_id);
          add_string_member (builder, "version", q->version);
          add_string_member (builder, "reason", q->reason);
          add_time_member (builder, "received", q->received);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  else
    {
      g_autofree char *last_pull = format_time (ctx, state->last_pull);
      g_autofree char *last_push = format_time (ctx, state->last_push);
      g_autofree char *last_attempt = format_time (ctx, state->last_attempt);

      g_print (_("Server:        %s\n"), server != NULL ? server : _("(none: [server] url)"));
      g_print (_("Unit:          %s\n"), settings.unit_location != NULL ? settings.unit_location
                                                                        : _("(every patient)"));
      g_print (_("Last pull:     %s%s\n"), last_pull, stale ? _("  — STALE") : "");
      g_print (_("Last push:     %s\n"), last_push);
      g_print (_("Last attempt:  %s\n"), last_attempt);
      if (state->last_error != NULL)
        g_print (_("Last error:    %s\n"), state->last_error);
      if (state->clock_skew_known)
        g_print (_("Clock skew:    %" G_GINT64_FORMAT " s (server − terminal)\n"), state->clock_skew);
      else
        g_print (_("Clock skew:    unknown\n"));
      g_print (_("Outbox:        %u pending, %u refused, %u sent\n"),
               counts.pending, counts.failed, counts.sent);
      for (guint i = 0; i < watermarks->len; i++)
        {
          MarSyncWatermark *w = g_ptr_array_index (watermarks, i);

          g_print (_("Watermark:     %-28s %s\n"), w->key, w->watermark);
        }
      if (failed->len > 0)
        {
          g_print (_("\nRecords the server refused (marctl outbox retry SEQ once fixed):\n"));
          for (guint i = 0; i < failed->len; i++)
            print_outbox_entry (ctx, g_ptr_array_index (failed, i));
        }
      if (quarantined->len > 0)
        {
          g_print (_("\nQuarantined resources (their patients are blocked: DATA_REJECTED):\n"));
          for (guint i = 0; i < quarantined->len; i++)
            {
              MarQuarantined *q = g_ptr_array_index (quarantined, i);

              g_print ("  %s/%s  %s\n", q->resource_type, q->resource_id != NULL ? q->resource_id : "?",
                       q->reason);
            }
        }
    }
  mar_sync_settings_clear (&settings);
  return MARCTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* marctl outbox                                                            */

static int
outbox_show (MarctlContext *ctx,
             int            argc,
             char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries_list = NULL;
  gboolean failed_only = FALSE;
  gboolean json = FALSE;
  MarStore *store;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "failed", 0, 0, G_OPTION_ARG_NONE, &failed_only, N_("Only records the server refused"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— the records queued for the server"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  entries_list = mar_outbox_list (store, failed_only ? MAR_OUTBOX_FAILED : -1, &error);
  if (entries_list == NULL)
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }
  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < entries_list->len; i++)
        add_outbox_entry (builder, g_ptr_array_index (entries_list, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      marctl_print_json (root);
    }
  else
    {
      g_print (_("   SEQ  STATE    TYPE                      OP      RESOURCE UUID  QUEUED  ATTEMPTS\n"));
      for (guint i = 0; i < entries_list->len; i++)
        print_outbox_entry (ctx, g_ptr_array_index (entries_list, i));
    }
  return MARCTL_EXIT_OK;
}

static int
outbox_retry (MarctlContext *ctx,
              int            argc,
              char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all = FALSE;
  MarStore *store;
  gint64 seq = -1;
  guint count = 0;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("Every refused record"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("SEQ|--all — send refused records again at the next sync"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (all == (argc == 2) || argc > 2 ||
      (argc == 2 && !g_ascii_string_to_signed (argv[1], 10, 1, G_MAXINT64, &seq, NULL)))
    {
      marctl_print_error (_("outbox retry needs one SEQ (a number from marctl outbox show) or --all"));
      return MARCTL_EXIT_USAGE;
    }
  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;
  if (!mar_outbox_retry (store, all ? -1 : seq, &count, &error))
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }
  if (!all && count == 0)
    {
      marctl_print_error (_("The outbox has no refused record %" G_GINT64_FORMAT), seq);
      return MARCTL_EXIT_DATAERR;
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%u record goes back in the queue\n",
                        "%u records go back in the queue\n", count), count);
  return MARCTL_EXIT_OK;
}

int
marctl_outbox_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return outbox_show (ctx, argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "retry") == 0)
    return outbox_retry (ctx, argc - 1, argv + 1);
  marctl_print_error (_("usage: marctl outbox show [--failed] [--json] | marctl outbox retry SEQ|--all"));
  return MARCTL_EXIT_USAGE;
}
