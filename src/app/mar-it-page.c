/* mar-it-page.c — hospital IT's screen: settings, connection, sync, outbox, database
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-it-page"

#include "config.h"

#include "mar-it-page.h"

#include <glib/gi18n.h>

#include "mar-diagnostics.h"
#include "mar-format.h"
#include "mar-sync.h"
#include "mar-time.h"
#include "mar-window.h"

/* The rows of the settings form (the fields table below). */
#define N_FIELDS 11

/* Keys the form does not show but a test or sync must still honour. */
static const struct
{
  const char *group;
  const char *key;
} kept_keys[] = {
  { "server", "scope" }, { "server", "proxy" }, { "server", "timeout" },
  { "server", "connect-timeout" }, { "server", "max-response-mb" },
  { "unit", "time-zone" }, { "sync", "stale-after" }, { "sync", "page-size" },
};

struct _MarItPage
{
  AdwBin        parent_instance;

  MarTerminal  *terminal;
  GCancellable *cancellable;
  GPtrArray    *outbox_rows;       /* (element-type GtkWidget) rows added to outbox_group */
  GtkLabel     *error_labels[N_FIELDS];  /* beside each field */
  GtkFileChooserNative *chooser;
  guint         busy;              /* running jobs */
  gboolean      disposed;          /* a job that ends later must not touch the widgets */
  guint         pulse_id;

  /* Template */
  GtkScrolledWindow   *scroller;
  AdwPreferencesGroup *settings_group;
  GtkLabel            *save_label;
  GtkButton           *save_button;
  AdwEntryRow         *url_row;
  AdwEntryRow         *unit_row;
  AdwEntryRow         *ca_row;
  AdwEntryRow         *pin_row;
  AdwEntryRow         *cert_row;
  AdwEntryRow         *key_row;
  AdwEntryRow         *token_file_row;
  AdwEntryRow         *token_url_row;
  AdwEntryRow         *client_id_row;
  AdwEntryRow         *secret_row;
  AdwEntryRow         *interval_row;
  GtkSpinner          *test_spinner;
  GtkButton           *test_button;
  AdwActionRow        *connection_row;
  GtkImage            *connection_icon;
  AdwActionRow        *skew_row;
  AdwActionRow        *fhir_row;
  AdwActionRow        *capability_row;
  GtkButton           *sync_button;
  AdwActionRow        *sync_state_row;
  AdwActionRow        *sync_progress_row;
  GtkProgressBar      *sync_progress;
  AdwPreferencesGroup *outbox_group;
  AdwActionRow        *outbox_counts_row;
  AdwActionRow        *library_row;
  GtkSpinner          *database_spinner;
  GtkButton           *check_button;
  GtkButton           *backup_button;
  AdwActionRow        *db_size_row;
  AdwActionRow        *db_integrity_row;
  GtkImage            *integrity_icon;
  AdwActionRow        *db_backup_row;
  AdwActionRow        *db_counts_row;
};

G_DEFINE_FINAL_TYPE (MarItPage, mar_it_page, ADW_TYPE_BIN)

/* The settings form: each row edits one key (docs/sync.md, Configuration). */
static const struct
{
  const char *group;
  const char *key;
  gsize       offset;     /* of the AdwEntryRow in MarItPage */
} fields[] = {
#define FIELD(group, key, member) { group, key, G_STRUCT_OFFSET (MarItPage, member) }
  FIELD ("server", "url", url_row),
  FIELD ("unit", "location", unit_row),
  FIELD ("server", "ca-file", ca_row),
  FIELD ("server", "pin", pin_row),
  FIELD ("server", "client-cert", cert_row),
  FIELD ("server", "client-key", key_row),
  FIELD ("server", "token-file", token_file_row),
  FIELD ("server", "token-url", token_url_row),
  FIELD ("server", "client-id", client_id_row),
  FIELD ("server", "client-secret-file", secret_row),
  FIELD ("sync", "interval", interval_row),
#undef FIELD
};

G_STATIC_ASSERT (G_N_ELEMENTS (fields) == N_FIELDS);

static AdwEntryRow *
field_row (MarItPage *self,
           guint      i)
{
  return G_STRUCT_MEMBER (AdwEntryRow *, self, fields[i].offset);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
}

static void
job_started (MarItPage *self)
{
  self->busy++;
}

static void
job_finished (MarItPage *self)
{
  g_assert (self->busy > 0);
  self->busy--;
}

/* ------------------------------------------------------------------------ */
/* Settings                                                                 */

static void
load_fields (MarItPage *self)
{
  MarConfig *config = mar_terminal_get_config (self->terminal);

  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *value = mar_config_dup_string (config, fields[i].group, fields[i].key);

      gtk_editable_set_text (GTK_EDITABLE (field_row (self, i)), value != NULL ? value : "");
    }
}

static void
show_field_error (MarItPage  *self,
                  guint       i,
                  const char *message)
{
  AdwEntryRow *row = field_row (self, i);

  gtk_label_set_label (self->error_labels[i], message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_labels[i]), message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static const char *
field_text (MarItPage *self,
            guint      i)
{
  return gtk_editable_get_text (GTK_EDITABLE (field_row (self, i)));
}

/* Checks every field and shows each problem beside its field. */
static gboolean
check_fields (MarItPage *self)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = g_strstrip (g_strdup (field_text (self, i)));

      if (mar_config_check_value (fields[i].group, fields[i].key, value, &error))
        show_field_error (self, i, NULL);
      else
        {
          show_field_error (self, i, error->message);
          ok = FALSE;
        }
    }
  return ok;
}

/* The form's values over the terminal's other settings: what a test or a
 * sync started from this screen uses, saved or not. A new object, so that
 * a thread can own it. */
static MarConfig *
form_config (MarItPage *self)
{
  MarConfig *current = mar_terminal_get_config (self->terminal);
  MarConfig *config = mar_config_new_default ();

  for (guint i = 0; i < G_N_ELEMENTS (kept_keys); i++)
    {
      g_autofree char *value = mar_config_dup_string (current, kept_keys[i].group, kept_keys[i].key);

      mar_config_set_string (config, kept_keys[i].group, kept_keys[i].key, value);
    }
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *value = g_strstrip (g_strdup (field_text (self, i)));

      mar_config_set_string (config, fields[i].group, fields[i].key, *value != '\0' ? value : NULL);
    }
  return config;
}

static void
save_clicked_cb (MarItPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = mar_config_dup_save_path (mar_terminal_get_config (self->terminal));
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  MarConfigChange changes[N_FIELDS];

  if (!check_fields (self))
    {
      gtk_label_set_label (self->save_label, _("Not saved: correct the fields marked in red."));
      return;
    }

  for (guint i = 0; i < N_FIELDS; i++)
    {
      char *value = g_strstrip (g_strdup (field_text (self, i)));

      g_ptr_array_add (values, value);
      changes[i] = (MarConfigChange) { fields[i].group, fields[i].key, value };
    }

  if (!mar_config_save_changes (path, changes, N_FIELDS, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Not saved: %s"), error->message);

      gtk_label_set_label (self->save_label, text);
      return;
    }

  /* The terminal's own configuration follows, so that the sync started
   * here and the next sign-in see the new values. */
  for (guint i = 0; i < N_FIELDS; i++)
    {
      const char *value = g_ptr_array_index (values, i);

      mar_config_set_string (mar_terminal_get_config (self->terminal), fields[i].group,
                             fields[i].key, *value != '\0' ? value : NULL);
    }
  gtk_label_set_label (self->save_label, _("Saved."));
}

/* ------------------------------------------------------------------------ */
/* Test connection                                                          */

static void
test_connection_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  MarConfig *config = task_data;

  g_task_return_pointer (task, mar_diagnostics_test_connection_with_config (config, cancellable),
                         (GDestroyNotify) mar_connection_test_free);
}

static char *
format_skew (gint64 skew)
{
  g_autofree char *amount = NULL;

  if (ABS (skew) < 2)
    return g_strdup (_("Same time as this terminal (within a second)"));
  if (ABS (skew) < 60)
    amount = g_strdup_printf (_("%d s"), (int) ABS (skew));
  else
    amount = mar_format_duration (ABS (skew));
  /* RULES.md CLOCK_SKEW: the verifier warns beyond the drug library's limit. */
  return g_strdup_printf (skew > 0 ? _("%s ahead of this terminal") : _("%s behind this terminal"),
                          amount);
}

static void
show_connection_test (MarItPage               *self,
                      const MarConnectionTest *test)
{
  gboolean ok = mar_connection_test_is_ok (test);
  GtkWidget *icon = GTK_WIDGET (self->connection_icon);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->connection_row),
                                 mar_connection_outcome_to_title (test->outcome));
  set_subtitle (self->connection_row, test->message);
  gtk_image_set_from_icon_name (self->connection_icon,
                                ok ? "mar-pass-symbolic" : "mar-warning-symbolic");
  /* The colour on the icon only: a coloured subtitle would be too pale to read. */
  gtk_widget_remove_css_class (icon, "success");
  gtk_widget_remove_css_class (icon, "error");
  gtk_widget_add_css_class (icon, test->outcome == MAR_CONNECTION_OK ? "success" : "error");

  gtk_widget_set_visible (GTK_WIDGET (self->skew_row), test->clock_skew_known);
  if (test->clock_skew_known)
    {
      g_autofree char *text = format_skew (test->clock_skew);

      set_subtitle (self->skew_row, text);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->fhir_row), test->capability_read);
  gtk_widget_set_visible (GTK_WIDGET (self->capability_row), test->capability_read);
  if (test->capability_read)
    {
      g_autofree char *fhir = g_strdup_printf (_("FHIR %s · %s %s · HTTP %u in %d ms"),
                                               test->fhir_version != NULL ? test->fhir_version : _("version not stated"),
                                               test->software_name != NULL ? test->software_name : _("software not named"),
                                               test->software_version != NULL ? test->software_version : "",
                                               test->http_status, (int) MIN (test->elapsed_ms, G_MAXINT));

      set_subtitle (self->fhir_row, fhir);
      if (test->missing->len == 0)
        set_subtitle (self->capability_row,
                      _("Every resource Bedside MAR reads and writes is supported, with the "
                        "interactions it needs."));
      else
        {
          g_autoptr(GString) text = g_string_new (_("Not declared by the server: "));

          for (guint i = 0; i < test->missing->len; i++)
            {
              if (i > 0)
                g_string_append (text, ", ");
              g_string_append (text, g_ptr_array_index (test->missing, i));
            }
          set_subtitle (self->capability_row, text->str);
        }
    }
}

static void
test_connection_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  MarItPage *self = MAR_IT_PAGE (source);
  g_autoptr(MarConnectionTest) test = g_task_propagate_pointer (G_TASK (result), NULL);

  job_finished (self);
  if (self->disposed)
    return;
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), TRUE);
  if (test != NULL && test->outcome != MAR_CONNECTION_CANCELLED)
    show_connection_test (self, test);
}

static void
test_clicked_cb (MarItPage *self)
{
  g_autoptr(GTask) task = NULL;

  if (!check_fields (self))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->connection_row),
                                     _("Settings cannot work"));
      set_subtitle (self->connection_row, _("Correct the fields marked in red first."));
      return;
    }

  job_started (self);
  gtk_spinner_start (self->test_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->connection_row), _("Testing…"));
  set_subtitle (self->connection_row, NULL);

  task = g_task_new (self, self->cancellable, test_connection_done, NULL);
  g_task_set_source_tag (task, test_clicked_cb);
  g_task_set_task_data (task, form_config (self), (GDestroyNotify) mar_config_unref);
  g_task_run_in_thread (task, test_connection_thread);
}

/* ------------------------------------------------------------------------ */
/* Sync now                                                                 */

typedef struct
{
  MarConfig *config;
  char      *db_path;
  MarItPage *page;      /* (owned) for the progress, marshalled to the main loop */
} SyncJob;

static void
sync_job_free (SyncJob *job)
{
  mar_config_unref (job->config);
  g_free (job->db_path);
  g_object_unref (job->page);
  g_free (job);
}

typedef struct
{
  MarItPage *page;
  char      *resource_type;
  guint      entries;
} SyncProgress;

static gboolean
show_progress_idle (gpointer data)
{
  SyncProgress *progress = data;
  g_autofree char *text = NULL;

  if (progress->page->disposed)
    return G_SOURCE_REMOVE;
  text = g_strdup_printf (_("Stored a page of %s (%u entries)"), progress->resource_type,
                          progress->entries);

  set_subtitle (progress->page->sync_progress_row, text);
  gtk_progress_bar_pulse (progress->page->sync_progress);
  return G_SOURCE_REMOVE;
}

static void
sync_progress_free (gpointer data)
{
  SyncProgress *progress = data;

  g_object_unref (progress->page);
  g_free (progress->resource_type);
  g_free (progress);
}

/* Called in the sync thread after each stored page. */
static void
sync_progress_cb (const char *resource_type,
                  guint       entries,
                  gpointer    user_data)
{
  SyncJob *job = user_data;
  SyncProgress *progress = g_new0 (SyncProgress, 1);

  progress->page = g_object_ref (job->page);
  progress->resource_type = g_strdup (resource_type);
  progress->entries = entries;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, show_progress_idle, progress,
                              sync_progress_free);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SyncJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = NULL;
  g_autoptr(MarSync) sync = NULL;
  MarSyncReport *report = g_new0 (MarSyncReport, 1);

  /* Its own connection: a MarStore is used by one thread at a time. */
  store = mar_store_open (job->db_path, MAR_STORE_OPEN_MUST_EXIST, &error);
  if (store != NULL)
    sync = mar_sync_new_from_config (store, job->config, &error);
  if (sync == NULL)
    {
      g_free (report);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  mar_sync_set_progress_func (sync, sync_progress_cb, job);
  if (!mar_sync_run (sync, report, cancellable, &error))
    {
      g_free (report);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, report, g_free);
}

static void refresh_sync_state (MarItPage *self);
static void refresh_outbox (MarItPage *self);
static void refresh_database (MarItPage *self);

static gboolean
pulse_cb (gpointer data)
{
  MarItPage *self = data;

  gtk_progress_bar_pulse (self->sync_progress);
  return G_SOURCE_CONTINUE;
}

static void
sync_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  MarItPage *self = MAR_IT_PAGE (source);
  g_autoptr(GError) error = NULL;
  g_autofree MarSyncReport *report = g_task_propagate_pointer (G_TASK (result), &error);

  job_finished (self);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->disposed)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), TRUE);
  gtk_progress_bar_set_fraction (self->sync_progress, report != NULL ? 1.0 : 0.0);

  if (report != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Done. Pages read: %u; records sent: %u, refused: %u, waiting: %u"),
                                               report->pages, report->pushed, report->push_parked,
                                               report->push_pending);

      set_subtitle (self->sync_progress_row, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Failed: %s"), error->message);

      set_subtitle (self->sync_progress_row, text);
    }
  refresh_sync_state (self);
  refresh_outbox (self);
  refresh_database (self);
  /* The header's "Synced … · N to send" follows at once. */
  if (MAR_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
    mar_window_update_sync_status (MAR_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
}

static void
sync_clicked_cb (MarItPage *self)
{
  g_autoptr(GTask) task = NULL;
  SyncJob *job;

  if (!check_fields (self))
    {
      set_subtitle (self->sync_progress_row, _("Correct the fields marked in red first."));
      gtk_widget_set_visible (GTK_WIDGET (self->sync_progress_row), TRUE);
      return;
    }

  job = g_new0 (SyncJob, 1);
  job->config = form_config (self);
  job->db_path = g_strdup (mar_store_get_path (mar_terminal_get_store (self->terminal)));
  job->page = g_object_ref (self);

  job_started (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress_row), TRUE);
  set_subtitle (self->sync_progress_row, _("Syncing…"));
  gtk_progress_bar_set_fraction (self->sync_progress, 0.0);
  self->pulse_id = g_timeout_add (250, pulse_cb, self);

  task = g_task_new (self, self->cancellable, sync_done, NULL);
  g_task_set_source_tag (task, sync_clicked_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) sync_job_free);
  g_task_run_in_thread (task, sync_thread);
}

static void
refresh_sync_state (MarItPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSyncState) state = mar_sync_state_load (mar_terminal_get_store (self->terminal), &error);
  GTimeZone *tz = mar_terminal_get_time_zone (self->terminal);
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (state == NULL)
    {
      set_subtitle (self->sync_state_row, error->message);
      return;
    }
  if (state->last_pull == MAR_TIME_UNSET)
    when = g_strdup (_("never"));
  else
    when = mar_format_day_and_clock (tz, state->last_pull);
  if (state->last_error != NULL)
    text = g_strdup_printf (_("Last complete pull %s. Last attempt failed: %s"), when, state->last_error);
  else
    text = g_strdup_printf (_("Last complete pull %s"), when);
  set_subtitle (self->sync_state_row, text);
}

/* ------------------------------------------------------------------------ */
/* Outbox                                                                   */

static void
retry_clicked_cb (GtkButton *button,
                  MarItPage *self)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "seq"));
  guint count = 0;

  if (!mar_outbox_retry (mar_terminal_get_store (self->terminal), seq, &count, &error))
    g_warning ("Cannot put an outbox entry back in the queue: %s", error->message);
  refresh_outbox (self);
  if (MAR_IS_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))))
    mar_window_update_sync_status (MAR_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
}

static void
refresh_outbox (MarItPage *self)
{
  MarStore *store = mar_terminal_get_store (self->terminal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autofree char *counts_text = NULL;
  MarOutboxCounts counts;

  for (guint i = 0; i < self->outbox_rows->len; i++)
    adw_preferences_group_remove (self->outbox_group, g_ptr_array_index (self->outbox_rows, i));
  g_ptr_array_set_size (self->outbox_rows, 0);

  if (!mar_outbox_get_counts (store, &counts, &error))
    {
      set_subtitle (self->outbox_counts_row, error->message);
      return;
    }
  counts_text = g_strdup_printf (_("%u waiting, %u refused by the server, %u sent"),
                                 counts.pending, counts.failed, counts.sent);
  set_subtitle (self->outbox_counts_row, counts_text);

  failed = mar_outbox_list (store, MAR_OUTBOX_FAILED, &error);
  if (failed == NULL)
    {
      set_subtitle (self->outbox_counts_row, error->message);
      return;
    }
  for (guint i = 0; i < failed->len; i++)
    {
      const MarOutboxEntry *entry = g_ptr_array_index (failed, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Retry"));
      g_autofree char *queued = mar_format_date_and_clock (mar_terminal_get_time_zone (self->terminal),
                                                           entry->created_at);
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, entry->seq);
      g_autofree char *title = g_strdup_printf (_("%s, queued %s (entry %s)"), entry->resource_type,
                                                queued, seq);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   entry->last_error != NULL ? entry->last_error : _("No message from the server"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data (G_OBJECT (button), "seq", GSIZE_TO_POINTER ((gsize) entry->seq));
      g_signal_connect_object (button, "clicked", G_CALLBACK (retry_clicked_cb), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_widget_set_name (row, "outbox-failed-row");
      adw_preferences_group_add (self->outbox_group, row);
      g_ptr_array_add (self->outbox_rows, row);
    }
}

/* ------------------------------------------------------------------------ */
/* Drug library and database                                                */

static void
refresh_library (MarItPage *self)
{
  MarDrugLibrary *library = mar_verifier_get_library (mar_terminal_get_verifier (self->terminal));
  g_autofree char *text = g_strdup_printf (_("%s, version %s"), mar_drug_library_get_name (library),
                                           mar_drug_library_get_version (library));

  set_subtitle (self->library_row, text);
}

static void
show_backup (MarItPage               *self,
             const MarDatabaseHealth *health)
{
  if (health->last_backup > 0)
    {
      g_autofree char *when = mar_format_day_and_clock (mar_terminal_get_time_zone (self->terminal),
                                                        health->last_backup);
      g_autofree char *text = g_strdup_printf (_("%s to %s"), when,
                                               health->last_backup_path != NULL ? health->last_backup_path : "");

      set_subtitle (self->db_backup_row, text);
    }
  else
    set_subtitle (self->db_backup_row, _("Never backed up from this screen or marctl"));
}

static void
refresh_database (MarItPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDatabaseHealth) health = NULL;
  g_autoptr(GString) counts = g_string_new (NULL);
  g_autofree char *size = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *size_text = NULL;

  health = mar_diagnostics_check_database (mar_terminal_get_store (self->terminal),
                                           MAR_INTEGRITY_NONE, &error);
  if (health == NULL)
    {
      set_subtitle (self->db_size_row, error->message);
      return;
    }
  size = g_format_size ((guint64) health->size);
  wal = g_format_size ((guint64) health->wal_size);
  size_text = g_strdup_printf (_("%s, write-ahead log %s, schema version %d — %s"), size, wal,
                               health->schema_version, health->path);
  set_subtitle (self->db_size_row, size_text);
  show_backup (self, health);
  for (guint i = 0; i < health->counts->len; i++)
    {
      const MarDatabaseCount *count = &g_array_index (health->counts, MarDatabaseCount, i);

      if (i > 0)
        g_string_append (counts, ", ");
      g_string_append_printf (counts, "%s %" G_GINT64_FORMAT, count->label, count->count);
    }
  set_subtitle (self->db_counts_row, counts->str);
}

typedef struct
{
  char *db_path;
  char *target;     /* NULL: the integrity check */
} DatabaseJob;

static void
database_job_free (DatabaseJob *job)
{
  g_free (job->db_path);
  g_free (job->target);
  g_free (job);
}

static void
database_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DatabaseJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarStore) store = mar_store_open (job->db_path, MAR_STORE_OPEN_MUST_EXIST, &error);
  MarDatabaseHealth *health;

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->target != NULL && !mar_diagnostics_backup (store, job->target, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  health = mar_diagnostics_check_database (store, job->target != NULL ? MAR_INTEGRITY_NONE
                                                                      : MAR_INTEGRITY_FULL, &error);
  if (health == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, health, (GDestroyNotify) mar_database_health_free);
}

static void
database_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MarItPage *self = MAR_IT_PAGE (source);
  DatabaseJob *job = g_task_get_task_data (G_TASK (result));
  gboolean backup = job->target != NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDatabaseHealth) health = g_task_propagate_pointer (G_TASK (result), &error);

  job_finished (self);
  if (self->disposed)
    return;
  gtk_spinner_stop (self->database_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_button), TRUE);

  if (health == NULL)
    {
      g_autofree char *text = g_strdup_printf (backup ? _("Backup failed: %s") : _("Check failed: %s"),
                                               error->message);

      set_subtitle (backup ? self->db_backup_row : self->db_integrity_row, text);
      return;
    }
  if (!backup)
    {
      g_autofree char *text = health->integrity_ok
        ? g_strdup (_("Intact (PRAGMA integrity_check: ok)"))
        : g_strdup_printf (_("DAMAGED: %s. Restore the last backup and call the Bedside MAR support."),
                           health->integrity_result);

      set_subtitle (self->db_integrity_row, text);
      gtk_image_set_from_icon_name (self->integrity_icon,
                                    health->integrity_ok ? "mar-pass-symbolic" : "mar-warning-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->integrity_icon), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->integrity_icon), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->integrity_icon),
                                health->integrity_ok ? "success" : "error");
      gtk_widget_set_visible (GTK_WIDGET (self->integrity_icon), TRUE);
    }
  refresh_database (self);
}

static void
start_database_job (MarItPage  *self,
                    const char *target)
{
  g_autoptr(GTask) task = NULL;
  DatabaseJob *job = g_new0 (DatabaseJob, 1);

  job->db_path = g_strdup (mar_store_get_path (mar_terminal_get_store (self->terminal)));
  job->target = g_strdup (target);

  job_started (self);
  gtk_spinner_start (self->database_spinner);
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_button), FALSE);
  if (target != NULL)
    set_subtitle (self->db_backup_row, _("Backing up…"));
  else
    set_subtitle (self->db_integrity_row, _("Checking every page and index…"));

  task = g_task_new (self, self->cancellable, database_done, NULL);
  g_task_set_source_tag (task, start_database_job);
  g_task_set_task_data (task, job, (GDestroyNotify) database_job_free);
  g_task_run_in_thread (task, database_thread);
}

static void
check_clicked_cb (MarItPage *self)
{
  start_database_job (self, NULL);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     MarItPage       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        start_database_job (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
backup_clicked_cb (MarItPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GDateTime) now = g_date_time_new_now (mar_terminal_get_time_zone (self->terminal));
  g_autofree char *name = g_date_time_format (now, "bedside-mar-%Y%m%d-%H%M.db");

  /* GTK 4.8 has no GtkFileDialog (4.10). */
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Back Up the Database"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Back Up"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ------------------------------------------------------------------------ */

void
mar_it_page_refresh (MarItPage *self)
{
  g_return_if_fail (MAR_IS_IT_PAGE (self));

  refresh_sync_state (self);
  refresh_outbox (self);
  refresh_library (self);
  refresh_database (self);
}

void
mar_it_page_back_up_to (MarItPage  *self,
                        const char *path)
{
  g_return_if_fail (MAR_IS_IT_PAGE (self));
  g_return_if_fail (path != NULL);

  start_database_job (self, path);
}

gboolean
mar_it_page_is_busy (MarItPage *self)
{
  g_return_val_if_fail (MAR_IS_IT_PAGE (self), FALSE);
  return self->busy > 0;
}

static void
mar_it_page_dispose (GObject *object)
{
  MarItPage *self = MAR_IT_PAGE (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* AdwBin unparents its child (the template's scroller) itself. */
  G_OBJECT_CLASS (mar_it_page_parent_class)->dispose (object);
}

static void
mar_it_page_finalize (GObject *object)
{
  MarItPage *self = MAR_IT_PAGE (object);

  g_clear_object (&self->terminal);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->outbox_rows, g_ptr_array_unref);
  G_OBJECT_CLASS (mar_it_page_parent_class)->finalize (object);
}

static void
mar_it_page_class_init (MarItPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_it_page_dispose;
  object_class->finalize = mar_it_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-it-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarItPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, settings_group);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, save_label);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, url_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, unit_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, ca_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, pin_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, cert_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, token_file_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, token_url_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, secret_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, interval_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, test_button);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, connection_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, connection_icon);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, skew_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, fhir_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, capability_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, sync_state_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, sync_progress_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, outbox_group);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, outbox_counts_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, library_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, database_spinner);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, backup_button);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, db_size_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, db_integrity_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, integrity_icon);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, db_backup_row);
  gtk_widget_class_bind_template_child (widget_class, MarItPage, db_counts_row);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, backup_clicked_cb);
}

static void
mar_it_page_init (MarItPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->outbox_rows = g_ptr_array_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *label = gtk_label_new (NULL);

      /* The problem beside its field (the row also turns red). */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "error");
      gtk_widget_set_visible (label, FALSE);
      adw_entry_row_add_suffix (field_row (self, i), label);
      self->error_labels[i] = GTK_LABEL (label);
    }
  set_subtitle (self->connection_row, _("Test the settings above against the FHIR server."));
  set_subtitle (self->db_integrity_row, _("Not checked on this screen yet"));
}

GtkWidget *
mar_it_page_new (MarTerminal *terminal)
{
  MarItPage *self;

  g_return_val_if_fail (MAR_IS_TERMINAL (terminal), NULL);

  self = g_object_new (MAR_TYPE_IT_PAGE, NULL);
  self->terminal = g_object_ref (terminal);
  load_fields (self);
  {
    g_autofree char *path = mar_config_dup_save_path (mar_terminal_get_config (terminal));
    g_autofree char *description = g_strdup_printf (_("Saved to %s"), path);

    adw_preferences_group_set_description (self->settings_group, description);
  }
  mar_it_page_refresh (self);
  return GTK_WIDGET (self);
}

GtkWidget *
mar_it_page_factory (MarTerminal  *terminal,
                     MarSignature *signature,
                     gpointer      user_data)
{
  return mar_it_page_new (terminal);
}
