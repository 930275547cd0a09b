/* mar-workspace.c — one nurse's work on this terminal
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-workspace"

#include "config.h"

#include "mar-workspace.h"

#include <glib/gi18n.h>

#include "mar-action-page.h"
#include "mar-board-page.h"
#include "mar-camera-page.h"
#include "mar-decoder.h"
#include "mar-downtime.h"
#include "mar-patient-page.h"
#include "mar-report-export.h"
#include "mar-sound.h"
#include "mar-shift-log-page.h"
#include "mar-unable-to-scan-page.h"
#include "mar-verdict-page.h"
#include "mar-vocabulary.h"

struct _MarWorkspace
{
  GtkWidget            parent_instance;

  AdwViewStack        *sections;
  AdwViewStackPage    *unit_section;
  GtkStack            *nav;

  MarApplication      *application;   /* weak */
  MarTerminal         *terminal;
  MarSignature        *signature;
  MarBoardPage        *board_page;
  MarPatientPage      *patient_page;
  MarVerdictPage      *verdict_page;
  MarActionPage       *action_page;
  GQueue               history;        /* (char *) page names below the one on screen */
  MarUnableToScanInfo *unable_to_scan;  /* for the patient on screen */
  MarCameraPage       *camera_page;
  MarUnableToScanPage *unable_page;
  GCancellable        *decode_cancellable;
  /* A bag just completed: the next one for the same order follows it
   * (MarStartRequest.previous). */
  char                *completed_order_id;
  gint64               completed_infusion;
};

enum {
  SIGNAL_TOAST,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarWorkspace, mar_workspace, GTK_TYPE_WIDGET)

static void
toast (MarWorkspace *self,
       const char   *title,
       gint64        undo_entry)
{
  g_autoptr(AdwToast) toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, undo_entry > 0 ? 10 : 5);
  if (undo_entry > 0)
    {
      adw_toast_set_button_label (toast, _("Undo"));
      adw_toast_set_action_name (toast, "win.undo");
      adw_toast_set_action_target_value (toast, g_variant_new_int64 (undo_entry));
    }
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, toast);
}

enum {
  PROP_0,
  PROP_CAN_GO_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
nav_changed_cb (MarWorkspace *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

static void
go_to (MarWorkspace *self,
       const char   *name)
{
  const char *current = gtk_stack_get_visible_child_name (self->nav);

  if (g_strcmp0 (current, name) == 0)
    return;
  if (current != NULL)
    g_queue_push_tail (&self->history, g_strdup (current));
  gtk_stack_set_visible_child_name (self->nav, name);
}

/* A new patient starts a new trail back to the board. */
static void
reset_history (MarWorkspace *self)
{
  g_queue_clear_full (&self->history, g_free);
  g_queue_push_tail (&self->history, g_strdup ("board"));
}

gboolean
mar_workspace_can_go_back (MarWorkspace *self)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), FALSE);
  return adw_view_stack_get_visible_child (self->sections) == GTK_WIDGET (self->nav) &&
         !g_queue_is_empty (&self->history);
}

void
mar_workspace_go_back (MarWorkspace *self)
{
  g_autofree char *name = NULL;

  g_return_if_fail (MAR_IS_WORKSPACE (self));

  name = g_queue_pop_tail (&self->history);
  if (name == NULL)
    return;
  if (g_str_equal (name, "board"))
    mar_board_page_refresh (self->board_page);
  else if (g_str_equal (name, "patient"))
    mar_patient_page_refresh (self->patient_page);
  gtk_stack_set_visible_child_name (self->nav, name);
}

const char *
mar_workspace_get_page_name (MarWorkspace *self)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);

  if (adw_view_stack_get_visible_child (self->sections) != GTK_WIDGET (self->nav))
    return adw_view_stack_get_visible_child_name (self->sections);
  return gtk_stack_get_visible_child_name (self->nav);
}

GtkWidget *
mar_workspace_get_page (MarWorkspace *self,
                        const char   *name)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);
  return gtk_stack_get_child_by_name (self->nav, name);
}

void
mar_workspace_open_patient (MarWorkspace  *self,
                            const char    *patient_id,
                            MarScanResult *wristband)
{
  g_return_if_fail (MAR_IS_WORKSPACE (self));

  if (g_strcmp0 (mar_patient_page_get_patient_id (self->patient_page), patient_id) != 0)
    g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
  adw_view_stack_set_visible_child (self->sections, GTK_WIDGET (self->nav));
  mar_patient_page_show_patient (self->patient_page, patient_id, wristband);
  reset_history (self);
  gtk_stack_set_visible_child_name (self->nav, "patient");
}

static void
open_infusion (MarWorkspace *self,
               gint64        infusion_id)
{
  mar_patient_page_highlight_infusion (self->patient_page, infusion_id);
  reset_history (self);
  gtk_stack_set_visible_child_name (self->nav, "patient");
  toast (self, _("This bag is already running for this patient: it is open below."), 0);
}

static void
verify (MarWorkspace  *self,
        MarScanResult *wristband,
        MarScanResult *product)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarVerification) verification = NULL;
  MarVerdict *verdict;
  const MarOrder *order;
  gint64 previous = 0;

  verification = mar_verifier_verify (mar_terminal_get_verifier (self->terminal), wristband, product,
                                      mar_terminal_get_now (self->terminal), &error);
  if (verification == NULL)
    {
      toast (self, error->message, 0);
      return;
    }
  verdict = mar_verification_get_verdict (verification);

  /* RULES.md BAG_ALREADY_USED: re-scanning a bag that is running for this
   * patient opens it. */
  if (mar_verdict_get_outcome (verdict) == MAR_VERDICT_OUTCOME_OPEN_INFUSION &&
      mar_verdict_get_kind (verdict) != MAR_VERDICT_BLOCK)
    {
      const char *administration = mar_verdict_get_open_administration_id (verdict);
      g_autoptr(MarInfusion) bag = administration != NULL
        ? mar_record_lookup_infusion (mar_terminal_get_record (self->terminal), administration, NULL)
        : NULL;

      if (bag != NULL)
        {
          open_infusion (self, bag->id);
          return;
        }
      toast (self, _("This bag is already running: it was charted by another terminal."), 0);
      return;
    }

  order = mar_verification_get_order (verification);
  if (order != NULL && g_strcmp0 (order->id, self->completed_order_id) == 0)
    previous = self->completed_infusion;

  mar_verdict_page_set_verification (self->verdict_page, verification, self->signature,
                                     self->unable_to_scan, previous);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->nav), "verdict") != 0)
    {
      reset_history (self);
      g_queue_push_tail (&self->history, g_strdup ("patient"));
    }
  gtk_stack_set_visible_child_name (self->nav, "verdict");
  mar_verdict_page_focus_default (self->verdict_page);
}

static gboolean
take_badge (MarWorkspace *self,
            const char   *badge)
{
  const char *page = gtk_stack_get_visible_child_name (self->nav);
  GtkWidget *section = adw_view_stack_get_visible_child (self->sections);

  /* The charge nurse signing off the shift (issue 8). */
  if (MAR_IS_SHIFT_LOG_PAGE (section))
    return mar_shift_log_page_take_badge (MAR_SHIFT_LOG_PAGE (section), badge);
  if (g_strcmp0 (page, "verdict") == 0)
    return mar_verdict_page_take_badge (self->verdict_page, badge);
  if (g_strcmp0 (page, "action") == 0)
    return mar_action_page_take_badge (self->action_page, badge);
  return FALSE;
}

void
mar_workspace_handle_scan (MarWorkspace  *self,
                           const char    *data,
                           gsize          length,
                           MarScanSource  source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarScanResult) result = NULL;
  MarScanResult *wristband;

  g_return_if_fail (MAR_IS_WORKSPACE (self));

  result = mar_verifier_resolve_scan (mar_terminal_get_verifier (self->terminal), data, length, source,
                                      mar_terminal_get_now (self->terminal), &error);
  if (result == NULL)
    {
      toast (self, error->message, 0);
      return;
    }

  switch (mar_scan_result_get_kind (result))
    {
    case MAR_SCAN_KIND_BADGE:
      {
        MarScan *scan = mar_scan_result_get_scan (result);

        if (!take_badge (self, mar_scan_get_identifier (scan)))
          toast (self, _("That is a staff badge. Scan the patient's wristband or a bag."), 0);
      }
      return;

    case MAR_SCAN_KIND_WRISTBAND:
      {
        const MarPatient *patient = mar_scan_result_get_patient (result);

        /* A new real scan replaces the unable-to-scan path's pick. */
        g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
        mar_workspace_open_patient (self, patient->id, result);
      }
      return;

    case MAR_SCAN_KIND_PRODUCT:
    case MAR_SCAN_KIND_BAG_LABEL:
    case MAR_SCAN_KIND_UNKNOWN:
    case MAR_SCAN_KIND_UNREADABLE:
    default:
      break;
    }

  wristband = adw_view_stack_get_visible_child (self->sections) == GTK_WIDGET (self->nav) &&
              g_strcmp0 (gtk_stack_get_visible_child_name (self->nav), "board") != 0
              ? mar_patient_page_get_wristband (self->patient_page) : NULL;
  if (wristband != NULL)
    {
      /* Whatever it is, the verifier says what it means for this patient
       * (BARCODE_INVALID, PRODUCT_UNKNOWN, WRONG_BARCODE_KIND…). */
      if (self->unable_to_scan != NULL)
        g_clear_pointer (&self->unable_to_scan->product_reason, g_free);
      verify (self, wristband, result);
      return;
    }

  switch (mar_scan_result_get_kind (result))
    {
    case MAR_SCAN_KIND_UNREADABLE:
      {
        /* Translators: %s says what is wrong with the barcode. */
        g_autofree char *text = g_strdup_printf (_("The barcode could not be read: %s"),
                                                 mar_scan_result_get_error (result));
        toast (self, text, 0);
      }
      break;
    case MAR_SCAN_KIND_UNKNOWN:
      toast (self, _("No patient, bag or badge on this terminal has this code (PATIENT_UNKNOWN or PRODUCT_UNKNOWN)."), 0);
      break;
    case MAR_SCAN_KIND_PRODUCT:
    case MAR_SCAN_KIND_BAG_LABEL:
    case MAR_SCAN_KIND_WRISTBAND:
    case MAR_SCAN_KIND_BADGE:
    default:
      toast (self, _("Scan the patient's wristband first."), 0);
      break;
    }
}

static void
board_patient_activated_cb (MarWorkspace *self,
                            const char   *patient_id)
{
  /* Tapping a bed looks at the patient; documenting waits for the
   * wristband (RULES.md: the scan is the patient check). */
  mar_workspace_open_patient (self, patient_id, NULL);
}

static void
patient_bag_action_cb (MarWorkspace *self,
                       gint64        infusion_id,
                       int           action)
{
  g_autoptr(GError) error = NULL;

  if (!mar_action_page_set_bag_action (self->action_page, self->signature, infusion_id,
                                       (MarInfusionAction) action, &error))
    {
      toast (self, error->message, 0);
      return;
    }
  go_to (self, "action");
  mar_action_page_focus_default (self->action_page);
}

static char *
order_medication (MarWorkspace *self,
                  const char   *order_id)
{
  g_autoptr(MarOrder) order = mar_store_get_order (mar_terminal_get_store (self->terminal), order_id, NULL);

  if (order == NULL)
    return NULL;
  return g_strdup (order->medication_display != NULL ? order->medication_display : order->text);
}

static void
not_given_cb (MarWorkspace *self,
              const char   *order_id)
{
  MarScanResult *wristband = mar_patient_page_get_wristband (self->patient_page);
  g_autofree char *medication = NULL;

  if (wristband == NULL)
    {
      toast (self, _("Scan the patient's wristband first."), 0);
      return;
    }
  medication = order_medication (self, order_id);
  mar_action_page_set_not_done (self->action_page, self->signature, wristband, order_id, medication);
  go_to (self, "action");
  mar_action_page_focus_default (self->action_page);
}

static void
decode_ready_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MarWorkspace) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = mar_decoder_decode_file_finish (MAR_DECODER (source), result, &error);
  g_autofree char *data = NULL;
  gsize length = 0;

  if (barcodes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message, 0);
      return;
    }
  if (mar_barcodes_get_size (barcodes) == 0)
    {
      toast (self, _("No barcode found in the picture. Try a sharper photo, closer to the label."), 0);
      return;
    }
  if (mar_barcodes_get_size (barcodes) > 1)
    {
      toast (self, _("The picture shows more than one barcode: photograph one label at a time."), 0);
      return;
    }
  data = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, 0), &length);
  mar_workspace_handle_scan (self, data, length, MAR_SCAN_SOURCE_IMAGE);
}

static void
image_dropped_cb (MarWorkspace *self,
                  GFile        *file)
{
  /* Decoded in the isolated worker (mar-decoder.h): a photo can never
   * take the terminal down. */
  g_cancellable_cancel (self->decode_cancellable);
  g_clear_object (&self->decode_cancellable);
  self->decode_cancellable = g_cancellable_new ();
  mar_decoder_decode_file_async (mar_decoder_get_default (), file, NULL, self->decode_cancellable,
                                 decode_ready_cb, g_object_ref (self));
}

static char *
infusion_title (MarWorkspace *self,
                gint64        infusion_id)
{
  g_autoptr(MarInfusion) bag = mar_record_get_infusion (mar_terminal_get_record (self->terminal), infusion_id, NULL);

  return g_strdup (bag != NULL ? bag->medication : "");
}

static void
verdict_started_cb (MarWorkspace *self,
                    gint64        infusion_id,
                    gint64        entry_seq)
{
  g_autofree char *medication = infusion_title (self, infusion_id);
  /* Translators: a toast after an infusion was started. */
  g_autofree char *text = g_strdup_printf (_("Started: %s"), medication);

  g_clear_pointer (&self->completed_order_id, g_free);
  self->completed_infusion = 0;
  g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
  mar_patient_page_highlight_infusion (self->patient_page, infusion_id);
  reset_history (self);
  gtk_stack_set_visible_child_name (self->nav, "patient");
  toast (self, text, entry_seq);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
verdict_blocked_cb (MarWorkspace *self)
{
  mar_sound_play_alert (mar_application_get_settings (self->application));
}

static char *
saved_message (MarInfusionAction  action,
               const char        *medication)
{
  switch (action)
    {
    case MAR_INFUSION_ACTION_RATE:
      return g_strdup_printf (_("Rate changed: %s"), medication);
    case MAR_INFUSION_ACTION_PAUSE:
      return g_strdup_printf (_("Paused: %s"), medication);
    case MAR_INFUSION_ACTION_RESUME:
      return g_strdup_printf (_("Resumed: %s"), medication);
    case MAR_INFUSION_ACTION_BOLUS:
      return g_strdup_printf (_("Bolus documented: %s"), medication);
    case MAR_INFUSION_ACTION_STOP:
      return g_strdup_printf (_("Stopped: %s"), medication);
    case MAR_INFUSION_ACTION_COMPLETE:
      return g_strdup_printf (_("Completed: %s. Scan the next bag if one follows."), medication);
    case MAR_INFUSION_ACTION_REACTION:
      return g_strdup_printf (_("Reaction documented: %s"), medication);
    case MAR_INFUSION_ACTION_SITE_CHECK:
      return g_strdup_printf (_("Site check documented: %s"), medication);
    case MAR_INFUSION_ACTION_HOLD:
      return g_strdup_printf (_("Held: %s"), medication);
    case MAR_INFUSION_ACTION_REFUSE:
      return g_strdup_printf (_("Refused: %s"), medication);
    case MAR_INFUSION_ACTION_MISSING:
      return g_strdup_printf (_("Missing: %s"), medication);
    case MAR_INFUSION_ACTION_NOT_GIVEN:
      return g_strdup_printf (_("Not given: %s"), medication);
    case MAR_INFUSION_ACTION_START:
    case MAR_INFUSION_N_ACTIONS:
    default:
      return g_strdup_printf (_("Saved: %s"), medication);
    }
}

static void
action_saved_cb (MarWorkspace *self,
                 gint64        infusion_id,
                 gint64        entry_seq,
                 int           action)
{
  g_autofree char *medication = infusion_title (self, infusion_id);
  g_autofree char *text = saved_message ((MarInfusionAction) action, medication);

  if (action == MAR_INFUSION_ACTION_COMPLETE)
    {
      g_autoptr(MarInfusion) bag = mar_record_get_infusion (mar_terminal_get_record (self->terminal), infusion_id, NULL);

      g_free (self->completed_order_id);
      self->completed_order_id = bag != NULL ? g_strdup (bag->order_id) : NULL;
      self->completed_infusion = infusion_id;
    }
  mar_patient_page_highlight_infusion (self->patient_page, infusion_id);
  reset_history (self);
  gtk_stack_set_visible_child_name (self->nav, "patient");
  toast (self, text, entry_seq);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
mar_workspace_undo (MarWorkspace *self,
                    gint64        entry_seq)
{
  g_autoptr(GError) error = NULL;
  MarRecordContext context = { 0 };

  g_return_if_fail (MAR_IS_WORKSPACE (self));

  context.at = MAR_TIME_UNSET;
  context.now = mar_terminal_get_now (self->terminal);
  context.nurse = self->signature;
  /* RULES.md, The record: nothing is erased; the entry is marked entered
   * in error by a correction that names it. */
  if (mar_record_correct (mar_terminal_get_record (self->terminal), &context, entry_seq, "wrong-action",
                          _("Undone on the bedside terminal right after it was saved"), &error) <= 0)
    {
      toast (self, error->message, 0);
      return;
    }
  mar_workspace_refresh (self);
  toast (self, _("Undone: the entry is marked entered in error."), 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
camera_scanned_cb (MarWorkspace *self,
                   GBytes       *data)
{
  gsize length = 0;
  const char *bytes = g_bytes_get_data (data, &length);

  mar_workspace_handle_scan (self, bytes, length, MAR_SCAN_SOURCE_CAMERA);
}

static void
camera_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MarWorkspace *self = MAR_WORKSPACE (widget);

  if (self->camera_page == NULL)
    return;
  adw_view_stack_set_visible_child (self->sections, GTK_WIDGET (self->nav));
  go_to (self, "camera");
}

MarReport *
mar_workspace_build_downtime_report (MarWorkspace  *self,
                                     GError       **error)
{
  MarTerminal *terminal;

  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);

  terminal = self->terminal;
  return mar_downtime_report_build (mar_terminal_get_verifier (terminal),
                                    mar_terminal_get_record (terminal),
                                    mar_terminal_get_unit_id (terminal),
                                    mar_terminal_get_now (terminal),
                                    0, error);
}

/* The paper MAR nurses fall back to when the terminal goes down (issue 8):
 * every patient's active IV orders, doses due in the next 12 hours with
 * boxes to chart by hand, and the bags hanging. Printed while the terminal
 * still works, so the paper says how old its data is. */
static void
print_downtime_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MarWorkspace *self = MAR_WORKSPACE (widget);
  g_autoptr(MarReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = mar_workspace_build_downtime_report (self, &error);
  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The downtime MAR cannot be printed: %s"), error->message);

      toast (self, message, 0);
      return;
    }
  mar_report_export_print (GTK_WINDOW (gtk_widget_get_root (widget)), report);
}

static void
unable_to_scan_done_cb (MarWorkspace              *self,
                        const char                *patient_id,
                        const MarUnableToScanInfo *info,
                        MarScanResult             *patient_scan,
                        MarScanResult             *product_scan)
{
  MarScanResult *wristband = patient_scan;

  if (wristband != NULL)
    {
      mar_workspace_open_patient (self, patient_id, wristband);
      g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
      self->unable_to_scan = g_new0 (MarUnableToScanInfo, 1);
      self->unable_to_scan->patient_reason = g_strdup (info->patient_reason);
      self->unable_to_scan->confirmed_name = g_strdup (info->confirmed_name);
      self->unable_to_scan->confirmed_birth_date = g_strdup (info->confirmed_birth_date);
      self->unable_to_scan->confirmed_mrn = g_strdup (info->confirmed_mrn);
    }
  else
    wristband = mar_patient_page_get_wristband (self->patient_page);

  if (product_scan != NULL && wristband != NULL)
    {
      if (self->unable_to_scan == NULL)
        self->unable_to_scan = g_new0 (MarUnableToScanInfo, 1);
      g_free (self->unable_to_scan->product_reason);
      self->unable_to_scan->product_reason = g_strdup (info->product_reason);
      verify (self, wristband, product_scan);
    }
}

static void
unable_to_scan_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MarWorkspace *self = MAR_WORKSPACE (widget);
  MarScanResult *wristband = NULL;

  if (self->unable_page == NULL)
    return;
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->nav), "board") != 0)
    wristband = mar_patient_page_get_wristband (self->patient_page);
  mar_unable_to_scan_page_reset (self->unable_page,
                                 wristband != NULL ? mar_patient_page_get_patient_id (self->patient_page) : NULL);
  go_to (self, "unable-to-scan");
}

void
mar_workspace_refresh (MarWorkspace *self)
{
  g_return_if_fail (MAR_IS_WORKSPACE (self));

  if (self->board_page == NULL)
    return;
  mar_board_page_refresh (self->board_page);
  mar_patient_page_refresh (self->patient_page);
}

void
mar_workspace_park (MarWorkspace *self)
{
  g_return_if_fail (MAR_IS_WORKSPACE (self));

  if (self->verdict_page != NULL)
    mar_verdict_page_forget_witness (self->verdict_page);
  if (self->action_page != NULL)
    mar_action_page_forget_witness (self->action_page);
  if (self->camera_page != NULL)
    mar_camera_page_stop (self->camera_page);
  g_cancellable_cancel (self->decode_cancellable);
}

static void
mar_workspace_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MarWorkspace *self = MAR_WORKSPACE (object);

  switch (prop_id)
    {
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, mar_workspace_can_go_back (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mar_workspace_dispose (GObject *object)
{
  GtkWidget *child;
  MarWorkspace *self = (MarWorkspace *) object;

  g_cancellable_cancel (self->decode_cancellable);
  g_clear_object (&self->decode_cancellable);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->terminal);
  g_clear_pointer (&self->signature, mar_signature_unref);
  g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
  g_clear_pointer (&self->completed_order_id, g_free);
  g_queue_clear_full (&self->history, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_WORKSPACE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_workspace_parent_class)->dispose (object);
}

static void
mar_workspace_class_init (MarWorkspaceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_workspace_dispose;
  object_class->get_property = mar_workspace_get_property;

  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::toast (AdwToast *): something to tell the nurse. */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);
  /* ::changed: the record changed (the header's outbox count). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-workspace.ui");
  gtk_widget_class_bind_template_child (widget_class, MarWorkspace, sections);
  gtk_widget_class_bind_template_child (widget_class, MarWorkspace, unit_section);
  gtk_widget_class_bind_template_child (widget_class, MarWorkspace, nav);
  gtk_widget_class_bind_template_callback (widget_class, nav_changed_cb);

  gtk_widget_class_install_action (widget_class, "workspace.camera", NULL, camera_action);
  gtk_widget_class_install_action (widget_class, "workspace.unable-to-scan", NULL, unable_to_scan_action);
  gtk_widget_class_install_action (widget_class, "workspace.print-downtime", NULL, print_downtime_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "workspace");
}

static void
mar_workspace_init (MarWorkspace *self)
{
  g_queue_init (&self->history);
  gtk_widget_init_template (GTK_WIDGET (self));
}

static gboolean
role_sees_unit (MarRole role)
{
  return role == MAR_ROLE_NURSE || role == MAR_ROLE_CHARGE_NURSE;
}

MarWorkspace *
mar_workspace_new (MarApplication  *application,
                   MarSignature    *signature,
                   GError         **error)
{
  g_autoptr(MarWorkspace) self = NULL;
  MarRole role = mar_signature_get_role (signature);
  GPtrArray *role_pages = mar_application_get_role_pages (application);
  guint n_pages = 0;

  self = g_object_ref_sink (g_object_new (MAR_TYPE_WORKSPACE, NULL));
  g_set_weak_pointer (&self->application, application);
  self->terminal = g_object_ref (mar_application_get_terminal (application));
  self->signature = mar_signature_ref (signature);

  if (role_sees_unit (role))
    {
      self->board_page = MAR_BOARD_PAGE (mar_board_page_new (self->terminal));
      self->patient_page = MAR_PATIENT_PAGE (mar_patient_page_new (self->terminal));
      self->verdict_page = MAR_VERDICT_PAGE (mar_verdict_page_new (self->terminal));
      self->action_page = MAR_ACTION_PAGE (mar_action_page_new (self->terminal));
      self->camera_page = MAR_CAMERA_PAGE (mar_camera_page_new (mar_application_get_settings (application)));
      self->unable_page = MAR_UNABLE_TO_SCAN_PAGE (mar_unable_to_scan_page_new (self->terminal));
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->board_page), "board");
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->patient_page), "patient");
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->verdict_page), "verdict");
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->action_page), "action");
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->camera_page), "camera");
      gtk_stack_add_named (self->nav, GTK_WIDGET (self->unable_page), "unable-to-scan");
      gtk_stack_set_visible_child_name (self->nav, "board");
      g_signal_connect_object (self->board_page, "patient-activated", G_CALLBACK (board_patient_activated_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->patient_page, "bag-action", G_CALLBACK (patient_bag_action_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->patient_page, "not-given", G_CALLBACK (not_given_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->patient_page, "image-dropped", G_CALLBACK (image_dropped_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->verdict_page, "started", G_CALLBACK (verdict_started_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->verdict_page, "not-given", G_CALLBACK (not_given_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->verdict_page, "open-infusion", G_CALLBACK (open_infusion), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->verdict_page, "blocked", G_CALLBACK (verdict_blocked_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->action_page, "saved", G_CALLBACK (action_saved_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->camera_page, "scanned", G_CALLBACK (camera_scanned_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->unable_page, "done", G_CALLBACK (unable_to_scan_done_cb), self, G_CONNECT_SWAPPED);
      n_pages++;
    }
  else
    adw_view_stack_remove (self->sections, GTK_WIDGET (self->nav));

  for (guint i = 0; i < role_pages->len; i++)
    {
      const MarRolePage *page = g_ptr_array_index (role_pages, i);
      GtkWidget *child;
      AdwViewStackPage *stack_page;

      if ((page->roles & MAR_ROLE_MASK (role)) == 0)
        continue;
      child = page->factory (self->terminal, signature, page->user_data);
      if (child == NULL)
        continue;
      stack_page = adw_view_stack_add_titled (self->sections, child, page->name, page->title);
      adw_view_stack_page_set_icon_name (stack_page, page->icon_name);
      n_pages++;
    }

  if (n_pages == 0)
    {
      g_set_error (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_NOT_ALLOWED,
                   _("There is no screen for your role on this bedside terminal. IT uses marctl."));
      return NULL;
    }
  return g_steal_pointer (&self);
}

MarSignature *
mar_workspace_get_signature (MarWorkspace *self)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);
  return self->signature;
}

void
mar_workspace_set_signature (MarWorkspace *self,
                             MarSignature *signature)
{
  g_return_if_fail (MAR_IS_WORKSPACE (self));
  g_return_if_fail (signature != NULL);

  mar_signature_ref (signature);
  g_clear_pointer (&self->signature, mar_signature_unref);
  self->signature = signature;
  if (self->verdict_page != NULL)
    mar_verdict_page_set_nurse (self->verdict_page, signature);
  if (self->action_page != NULL)
    mar_action_page_set_nurse (self->action_page, signature);
}

const char *
mar_workspace_get_staff_id (MarWorkspace *self)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);
  return mar_signature_get_staff (self->signature)->id;
}

AdwViewStack *
mar_workspace_get_sections (MarWorkspace *self)
{
  g_return_val_if_fail (MAR_IS_WORKSPACE (self), NULL);
  return self->sections;
}
