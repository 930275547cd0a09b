/* mar-window.c — the bedside terminal's window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-window"

#include "config.h"

#include "mar-window.h"

#include <errno.h>
#include <glib/gi18n.h>

#include "mar-label-sheet.h"
#include "mar-format.h"
#include "mar-offline-banner.h"
#include "mar-sign-in-page.h"
#include "mar-terminal.h"

/* Below this an auto-lock would interrupt a nurse reading the verdict. */
#define MIN_AUTO_LOCK_SECONDS 30

struct _MarWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkWidget            *back_button;
  GtkLabel             *unit_label;
  GtkWidget            *demo_label;
  GtkLabel             *clock_label;
  AdwViewSwitcher      *view_switcher;
  GtkWidget            *lock_button;
  GtkLabel             *nurse_label;
  GtkWidget            *sync_button;
  GtkImage             *sync_icon;
  GtkLabel             *sync_label;
  GtkLabel             *sync_details_label;
  GtkWidget            *labels_button;
  MarOfflineBanner     *offline_banner;
  GtkStack             *main_stack;
  MarSignInPage        *sign_in_page;

  MarApplication       *application;   /* weak */
  MarTerminal          *terminal;
  MarScanInput         *scan_input;
  MarWorkspace         *workspace;     /* on screen, or NULL */
  GHashTable           *parked;        /* staff id → MarWorkspace */
  guint                 idle_source;
  guint                 clock_source;
  guint                 status_source;
  guint                 auto_lock_override;  /* seconds; 0: the setting */
  GPtrArray            *toasts;             /* (AdwToast *) shown and not dismissed yet */
};

G_DEFINE_FINAL_TYPE (MarWindow, mar_window, ADW_TYPE_APPLICATION_WINDOW)

static void
toast_dismissed_cb (MarWindow *self,
                    AdwToast  *toast)
{
  /* The overlay dismisses its toasts when the window goes. */
  if (self->toasts != NULL)
    g_ptr_array_remove (self->toasts, toast);
}

void
mar_window_add_toast (MarWindow *self,
                      AdwToast  *toast)
{
  g_return_if_fail (MAR_IS_WINDOW (self));

  g_ptr_array_add (self->toasts, g_object_ref (toast));
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (toast));
}

static void
toast_text (MarWindow  *self,
            const char *text)
{
  g_autoptr(AdwToast) toast = adw_toast_new (text);

  mar_window_add_toast (self, toast);
}

/* A toast names a patient's drug and may offer Undo: it belongs to the
 * nurse who was signed in, never to the next one. */
static void
dismiss_toasts (MarWindow *self)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_copy (self->toasts, (GCopyFunc) g_object_ref, NULL);

  g_ptr_array_set_free_func (toasts, g_object_unref);
  for (guint i = 0; i < toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (toasts, i));
}

/* ---- Header ---- */

static void
update_back (MarWindow *self)
{
  gboolean can = self->workspace != NULL && mar_workspace_can_go_back (self->workspace);

  gtk_widget_set_visible (self->back_button, can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", can);
}

static void
update_clock (MarWindow *self)
{
  g_autofree char *text = mar_format_day_and_clock (mar_terminal_get_time_zone (self->terminal),
                                                    mar_terminal_get_now (self->terminal));

  gtk_label_set_label (self->clock_label, text);
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  MarWindow *self = user_data;
  gint64 now = mar_terminal_get_now (self->terminal);

  update_clock (self);
  /* Fire again just after the next minute starts. */
  self->clock_source = g_timeout_add_seconds (60 - (guint) (now % 60), clock_tick_cb, self);
  return G_SOURCE_REMOVE;
}

void
mar_window_update_sync_status (MarWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *label = NULL;
  MarSyncStatus status;
  GTimeZone *tz;
  guint waiting;

  g_return_if_fail (MAR_IS_WINDOW (self));

  if (!mar_terminal_read_sync_status (self->terminal, &status, &error))
    {
      gtk_label_set_label (self->sync_label, _("Sync status unknown"));
      gtk_label_set_label (self->sync_details_label, error->message);
      return;
    }
  tz = mar_terminal_get_time_zone (self->terminal);
  waiting = status.outbox.pending + status.outbox.failed;

  if (status.last_sync == MAR_TIME_UNSET)
    label = g_strdup (_("Never synced"));
  else
    {
      g_autofree char *clock = mar_format_clock (tz, status.last_sync);

      label = status.stale ? g_strdup_printf (_("Offline since %s"), clock)
                           : g_strdup_printf (_("Synced %s"), clock);
    }
  if (waiting > 0)
    {
      g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u to send", "%u to send", waiting),
                                                waiting);
      g_autofree char *joined = g_strdup_printf ("%s · %s", label, count);

      g_free (label);
      label = g_steal_pointer (&joined);
    }
  gtk_label_set_label (self->sync_label, label);
  gtk_image_set_from_icon_name (self->sync_icon,
                                status.outbox.failed > 0 ? "dialog-warning-symbolic"
                                : status.stale ? "network-offline-symbolic" : "emblem-synchronizing-symbolic");
  gtk_widget_remove_css_class (self->sync_button, "stale");
  if (status.stale || status.outbox.failed > 0)
    gtk_widget_add_css_class (self->sync_button, "stale");

  if (status.last_sync != MAR_TIME_UNSET)
    {
      g_autofree char *when = mar_format_day_and_clock (tz, status.last_sync);

      g_string_append_printf (details, _("Last sync with the hospital: %s."), when);
    }
  else
    g_string_append (details, _("This terminal has never synced."));
  g_string_append_c (details, '\n');
  g_string_append_printf (details,
                          g_dngettext (GETTEXT_PACKAGE, "%u record waits to be sent.", "%u records wait to be sent.",
                                       status.outbox.pending),
                          status.outbox.pending);
  if (status.outbox.failed > 0)
    {
      g_string_append_c (details, '\n');
      g_string_append_printf (details,
                              g_dngettext (GETTEXT_PACKAGE, "%u record was refused by the server: IT must look at it.",
                                           "%u records were refused by the server: IT must look at them.",
                                           status.outbox.failed),
                              status.outbox.failed);
    }
  gtk_label_set_label (self->sync_details_label, details->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  /* RULES.md CACHE_STALE: past the limit the terminal is offline; the
   * checks still run on what it holds, and say so. */
  if (status.stale)
    {
      g_autofree char *minutes = g_strdup_printf ("%d", (int) (status.stale_limit / 60));
      g_autofree char *banner = NULL;

      if (status.last_sync == MAR_TIME_UNSET)
        banner = g_strdup (_("Offline: this terminal has never synced. Checks use only the data loaded on it."));
      else
        {
          g_autofree char *clock = mar_format_clock (tz, status.last_sync);

          /* Translators: the offline banner: last sync time, the limit in minutes, records waiting. */
          banner = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Offline: not synced since %s (more than %s min). Checks use the orders on this terminal; %u record waits to be sent.",
                                                 "Offline: not synced since %s (more than %s min). Checks use the orders on this terminal; %u records wait to be sent.",
                                                 waiting),
                                    clock, minutes, waiting);
        }
      mar_offline_banner_set_title (self->offline_banner, banner);
    }
  mar_offline_banner_set_revealed (self->offline_banner, status.stale);
}

static gboolean
status_tick_cb (gpointer user_data)
{
  MarWindow *self = user_data;

  mar_window_update_sync_status (self);
  /* Due doses turn overdue with time alone. */
  if (self->workspace != NULL &&
      g_strcmp0 (mar_workspace_get_page_name (self->workspace), "board") == 0)
    mar_workspace_refresh (self->workspace);
  return G_SOURCE_CONTINUE;
}

static void
update_nurse (MarWindow *self)
{
  if (self->workspace != NULL)
    {
      MarSignature *signature = mar_workspace_get_signature (self->workspace);
      const MarStaff *staff = mar_signature_get_staff (signature);
      g_autoptr(GtkSelectionModel) sections = adw_view_stack_get_pages (mar_workspace_get_sections (self->workspace));

      gtk_label_set_label (self->nurse_label, staff->name);
      gtk_widget_set_visible (GTK_WIDGET (self->nurse_label), TRUE);
      gtk_widget_set_visible (self->lock_button, TRUE);
      adw_view_switcher_set_stack (self->view_switcher, mar_workspace_get_sections (self->workspace));
      gtk_widget_set_visible (GTK_WIDGET (self->view_switcher),
                              g_list_model_get_n_items (G_LIST_MODEL (sections)) > 1);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->nurse_label), FALSE);
      gtk_widget_set_visible (self->lock_button, FALSE);
      adw_view_switcher_set_stack (self->view_switcher, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->view_switcher), FALSE);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", self->workspace != NULL);
  /* The label sheet is one click away on the sign-in screen, where a
   * newcomer starts; at work the header has room for the work. */
  gtk_widget_set_visible (self->labels_button,
                          self->workspace == NULL && mar_terminal_get_demo_labels (self->terminal) != NULL);
  update_back (self);
}

/* ---- Auto-lock ---- */

static void restart_idle_timer (MarWindow *self);

static guint
auto_lock_seconds (MarWindow *self)
{
  GSettings *settings = mar_application_get_settings (self->application);

  if (self->auto_lock_override > 0)
    return self->auto_lock_override;
  return MAX (g_settings_get_uint (settings, "auto-lock-seconds"), MIN_AUTO_LOCK_SECONDS);
}

void
mar_window_set_auto_lock_seconds (MarWindow *self,
                                  guint      seconds)
{
  g_return_if_fail (MAR_IS_WINDOW (self));

  self->auto_lock_override = seconds;
  if (self->idle_source != 0)
    restart_idle_timer (self);
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  MarWindow *self = user_data;
  g_autofree char *message = NULL;
  guint minutes = (auto_lock_seconds (self) + 59) / 60;

  self->idle_source = 0;
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Locked after %u minute without use. Your unfinished work is kept: sign in again to return to it.",
                                          "Locked after %u minutes without use. Your unfinished work is kept: sign in again to return to it.",
                                          minutes),
                             minutes);
  mar_window_lock (self, message);
  return G_SOURCE_REMOVE;
}

static void
restart_idle_timer (MarWindow *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->workspace == NULL)
    return;
  self->idle_source = g_timeout_add_seconds (auto_lock_seconds (self), idle_timeout_cb, self);
  g_source_set_name_by_id (self->idle_source, "[mar] auto-lock");
}

static gboolean
activity_cb (MarWindow                *self,
             GdkEvent                 *event,
             GtkEventControllerLegacy *controller)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_SCROLL:
      restart_idle_timer (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* ---- Sign-in and lock ---- */

static void
workspace_toast_cb (MarWindow *self,
                    AdwToast  *toast)
{
  mar_window_add_toast (self, toast);
}

static void
workspace_changed_cb (MarWindow *self)
{
  mar_window_update_sync_status (self);
}

static void
show_workspace (MarWindow    *self,
                MarWorkspace *workspace)
{
  self->workspace = workspace;
  g_signal_connect_object (workspace, "toast", G_CALLBACK (workspace_toast_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "changed", G_CALLBACK (workspace_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (workspace, "notify::can-go-back", G_CALLBACK (update_back), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->main_stack, GTK_WIDGET (workspace), "workspace");
  gtk_stack_set_visible_child (self->main_stack, GTK_WIDGET (workspace));
  mar_workspace_refresh (workspace);
  update_nurse (self);
  restart_idle_timer (self);
}

static void
sign_in_page_signed_in_cb (MarWindow    *self,
                           MarSignature *signature)
{
  const MarStaff *staff = mar_signature_get_staff (signature);
  g_autoptr(MarWorkspace) workspace = NULL;
  g_autoptr(GError) error = NULL;
  gpointer parked_key = NULL;
  gpointer parked = NULL;

  /* Your own parked work comes back as you left it; nobody else's does
   * (docs/app.md, "Auto-lock"). */
  if (g_hash_table_steal_extended (self->parked, staff->id, &parked_key, &parked))
    {
      g_free (parked_key);
      workspace = parked;
      mar_workspace_set_signature (workspace, signature);
    }
  else
    {
      workspace = mar_workspace_new (self->application, signature, &error);
      if (workspace == NULL)
        {
          mar_sign_in_page_show_error (self->sign_in_page, error->message);
          return;
        }
    }
  mar_sign_in_page_reset (self->sign_in_page, NULL);
  show_workspace (self, workspace);
}

void
mar_window_lock (MarWindow  *self,
                 const char *message)
{
  g_autoptr(MarWorkspace) workspace = NULL;
  g_autofree char *staff_id = NULL;

  g_return_if_fail (MAR_IS_WINDOW (self));

  g_clear_handle_id (&self->idle_source, g_source_remove);
  if (self->workspace == NULL)
    return;

  workspace = g_object_ref (self->workspace);
  self->workspace = NULL;
  g_signal_handlers_disconnect_by_data (workspace, self);
  mar_workspace_park (workspace);
  dismiss_toasts (self);
  gtk_stack_set_visible_child (self->main_stack, GTK_WIDGET (self->sign_in_page));
  gtk_stack_remove (self->main_stack, GTK_WIDGET (workspace));
  staff_id = g_strdup (mar_workspace_get_staff_id (workspace));
  g_hash_table_replace (self->parked, g_steal_pointer (&staff_id), g_steal_pointer (&workspace));

  mar_sign_in_page_reset (self->sign_in_page,
                          message != NULL ? message : _("Locked. Your unfinished work is kept: sign in again to return to it."));
  mar_sign_in_page_focus (self->sign_in_page);
  update_nurse (self);
}

guint
mar_window_get_n_parked (MarWindow *self)
{
  g_return_val_if_fail (MAR_IS_WINDOW (self), 0);
  return g_hash_table_size (self->parked);
}

/* ---- Scans ---- */

void
mar_window_handle_scan (MarWindow     *self,
                        const char    *data,
                        gsize          length,
                        MarScanSource  source)
{
  g_return_if_fail (MAR_IS_WINDOW (self));

  restart_idle_timer (self);
  if (self->workspace != NULL)
    {
      mar_workspace_handle_scan (self->workspace, data, length, source);
      return;
    }

  /* Signed out: only a badge means anything here. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarScanResult) result = mar_verifier_resolve_scan (mar_terminal_get_verifier (self->terminal),
                                                                 data, length, source,
                                                                 mar_terminal_get_now (self->terminal), &error);

    if (result != NULL && mar_scan_result_get_kind (result) == MAR_SCAN_KIND_BADGE)
      mar_sign_in_page_set_badge (self->sign_in_page, mar_scan_get_identifier (mar_scan_result_get_scan (result)));
    else
      mar_sign_in_page_show_error (self->sign_in_page, _("Sign in first: scan your own badge."));
  }
}

static void
scanned_cb (MarWindow *self,
            GBytes    *data)
{
  gsize length = 0;
  const char *bytes = g_bytes_get_data (data, &length);

  mar_window_handle_scan (self, bytes, length, MAR_SCAN_SOURCE_SCANNER);
}

static void
incomplete_cb (MarWindow *self)
{
  toast_text (self, _("The scan arrived incomplete. Scan again."));
}

/* ---- Actions ---- */

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MarWindow *self = MAR_WINDOW (widget);

  if (self->workspace != NULL)
    mar_workspace_go_back (self->workspace);
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mar_window_lock (MAR_WINDOW (widget), NULL);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MarWindow *self = MAR_WINDOW (widget);

  if (self->workspace != NULL)
    mar_workspace_undo (self->workspace, g_variant_get_int64 (parameter));
}

char *
mar_window_write_label_sheet (MarWindow  *self,
                              GError    **error)
{
  const char *labels = mar_terminal_get_demo_labels (self->terminal);
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "bedside-mar", NULL);
  g_autofree char *path = g_build_filename (folder, "demo-labels.pdf", NULL);
  g_autoptr(GPtrArray) sheet = NULL;

  g_return_val_if_fail (MAR_IS_WINDOW (self), NULL);

  if (labels == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("This terminal has no demo label sheet."));
      return NULL;
    }
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", folder, g_strerror (saved));
      return NULL;
    }
  /* The same sheet as `marctl labels`, dated now (mar-label-sheet.h). */
  sheet = mar_label_sheet_load_spec (labels, mar_terminal_get_now (self->terminal),
                                     mar_terminal_get_time_zone (self->terminal), error);
  if (sheet == NULL || !mar_label_sheet_write_pdf (sheet, MAR_PAPER_LETTER, path, error))
    return NULL;
  return g_steal_pointer (&path);
}

static void
label_sheet_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MarWindow *self = MAR_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = mar_window_write_label_sheet (self, &error);
  g_autofree char *uri = NULL;

  if (path == NULL)
    {
      toast_text (self, error->message);
      return;
    }
  uri = g_filename_to_uri (path, NULL, NULL);
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
}

static void
mar_window_dispose (GObject *object)
{
  MarWindow *self = (MarWindow *) object;

  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  g_clear_handle_id (&self->status_source, g_source_remove);
  g_clear_pointer (&self->parked, g_hash_table_unref);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  g_clear_object (&self->scan_input);
  g_clear_object (&self->terminal);
  g_clear_weak_pointer (&self->application);
  /* Before the pages go: a focused GtkPasswordEntry (the PIN) must lose
   * the focus while it is still alive (GTK 4.8 calls back into it). */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_WINDOW);

  G_OBJECT_CLASS (mar_window_parent_class)->dispose (object);
}

static void
mar_window_class_init (MarWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_window_dispose;

  g_type_ensure (MAR_TYPE_OFFLINE_BANNER);
  g_type_ensure (MAR_TYPE_SIGN_IN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MarWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, unit_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, demo_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, clock_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, lock_button);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, nurse_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, sync_details_label);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, labels_button);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, offline_banner);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MarWindow, sign_in_page);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_page_signed_in_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.undo", "x", undo_action);
  gtk_widget_class_install_action (widget_class, "win.label-sheet", NULL, label_sheet_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
}

static void
mar_window_init (MarWindow *self)
{
  GtkEventController *activity;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->parked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);

  /* Any touch or key keeps the terminal unlocked; seen in the capture
   * phase so nothing can hide it. */
  activity = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (activity, GTK_PHASE_CAPTURE);
  g_signal_connect_object (activity, "event", G_CALLBACK (activity_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), activity);
}

MarWindow *
mar_window_new (MarApplication *application)
{
  MarWindow *self;
  const char *unit_name;
  gboolean demo;

  g_return_val_if_fail (MAR_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (mar_application_get_terminal (application) != NULL, NULL);

  self = g_object_new (MAR_TYPE_WINDOW, "application", application, NULL);
  g_set_weak_pointer (&self->application, application);
  self->terminal = g_object_ref (mar_application_get_terminal (application));

  /* A bedside terminal is a kiosk: the window fills the screen. */
  {
    GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
    g_autoptr(GdkMonitor) monitor = g_list_model_get_n_items (monitors) > 0 ? g_list_model_get_item (monitors, 0) : NULL;

    if (monitor != NULL)
      {
        GdkRectangle geometry;

        gdk_monitor_get_geometry (monitor, &geometry);
        gtk_window_set_default_size (GTK_WINDOW (self), geometry.width, geometry.height);
      }
  }

  unit_name = mar_terminal_get_unit_name (self->terminal);
  gtk_label_set_label (self->unit_label, unit_name != NULL ? unit_name : _("All units"));
  demo = mar_terminal_get_demo_labels (self->terminal) != NULL;
  gtk_widget_set_visible (self->demo_label, demo);
  mar_sign_in_page_set_terminal (self->sign_in_page, self->terminal);

  self->scan_input = mar_scan_input_new (GTK_WINDOW (self), NULL);
  g_signal_connect_object (self->scan_input, "scanned", G_CALLBACK (scanned_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scan_input, "incomplete", G_CALLBACK (incomplete_cb), self, G_CONNECT_SWAPPED);

  clock_tick_cb (self);
  mar_window_update_sync_status (self);
  self->status_source = g_timeout_add_seconds (30, status_tick_cb, self);
  update_nurse (self);
  mar_sign_in_page_focus (self->sign_in_page);
  return self;
}

MarScanInput *
mar_window_get_scan_input (MarWindow *self)
{
  g_return_val_if_fail (MAR_IS_WINDOW (self), NULL);
  return self->scan_input;
}

MarWorkspace *
mar_window_get_workspace (MarWindow *self)
{
  g_return_val_if_fail (MAR_IS_WINDOW (self), NULL);
  return self->workspace;
}

GtkWidget *
mar_window_get_sign_in_page (MarWindow *self)
{
  g_return_val_if_fail (MAR_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->sign_in_page);
}
