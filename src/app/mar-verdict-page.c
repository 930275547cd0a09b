/* mar-verdict-page.c — pass, warning or stop, at one glance
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-verdict-page"

#include "config.h"

#include "mar-verdict-page.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mar-choice-group.h"
#include "mar-format.h"
#include "mar-keypad.h"
#include "mar-patient-banner.h"
#include "mar-patient-summary.h"
#include "mar-quantity.h"
#include "mar-vocabulary.h"
#include "mar-witness-box.h"

struct _MarVerdictPage
{
  GtkWidget            parent_instance;

  GtkWidget           *verdict_band;
  GtkImage            *verdict_icon;
  GtkLabel            *verdict_title;
  GtkLabel            *verdict_subtitle;
  GtkWidget           *scroller;
  MarPatientBanner    *banner;
  GtkLabel            *product_label;
  GtkLabel            *product_details;
  GtkLabel            *order_label;
  GtkListBox          *rights_list;
  GtkWidget           *overrides_box;
  GtkBox              *override_groups;
  GtkEntry            *override_comment;
  GtkBox              *witness_slot;
  GtkWidget           *prn_box;
  GtkEntry            *prn_entry;
  GtkWidget           *rate_box;
  GtkEntry            *rate_entry;
  GtkLabel            *ordered_rate_label;
  MarKeypad           *rate_keypad;
  GtkWidget           *error_box;
  GtkLabel            *error_label;
  GtkWidget           *close_button;
  GtkWidget           *not_given_button;
  GtkWidget           *do_not_give_label;
  GtkWidget           *start_button;

  MarTerminal         *terminal;
  MarVerification     *verification;
  MarSignature        *nurse;
  MarWitnessBox       *witness_box;
  MarUnableToScanInfo *unable_to_scan;
  gint64               previous;
};

enum {
  SIGNAL_STARTED,
  SIGNAL_NOT_GIVEN,
  SIGNAL_OPEN_INFUSION,
  SIGNAL_BLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarVerdictPage, mar_verdict_page, GTK_TYPE_WIDGET)

void
mar_unable_to_scan_info_free (MarUnableToScanInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->patient_reason);
  g_free (info->product_reason);
  g_free (info->confirmed_name);
  g_free (info->confirmed_birth_date);
  g_free (info->confirmed_mrn);
  g_free (info);
}

static MarUnableToScanInfo *
unable_to_scan_info_copy (const MarUnableToScanInfo *info)
{
  MarUnableToScanInfo *copy = g_new0 (MarUnableToScanInfo, 1);

  copy->patient_reason = g_strdup (info->patient_reason);
  copy->product_reason = g_strdup (info->product_reason);
  copy->confirmed_name = g_strdup (info->confirmed_name);
  copy->confirmed_birth_date = g_strdup (info->confirmed_birth_date);
  copy->confirmed_mrn = g_strdup (info->confirmed_mrn);
  return copy;
}

static const char *
severity_icon_name (MarSeverity severity)
{
  switch (severity)
    {
    case MAR_SEVERITY_BLOCK:
      return "mar-stop-symbolic";
    case MAR_SEVERITY_WARN:
      return "mar-warning-symbolic";
    case MAR_SEVERITY_INFO:
    default:
      return "mar-info-symbolic";
    }
}

static const char *
severity_css_class (MarSeverity severity)
{
  switch (severity)
    {
    case MAR_SEVERITY_BLOCK:
      return "block";
    case MAR_SEVERITY_WARN:
      return "warn";
    case MAR_SEVERITY_INFO:
    default:
      return "info";
    }
}

static const char *
right_title (MarRight right)
{
  switch (right)
    {
    case MAR_RIGHT_PATIENT:
      return _("Right patient");
    case MAR_RIGHT_DRUG:
      return _("Right drug");
    case MAR_RIGHT_DOSE:
      return _("Right dose");
    case MAR_RIGHT_ROUTE:
      return _("Right route");
    case MAR_RIGHT_TIME:
      return _("Right time");
    case MAR_RIGHT_OTHER:
    default:
      return _("Safety checks");
    }
}

/* What a right with no finding says. */
static char *
right_pass_text (MarVerdictPage *self,
                 MarRight        right)
{
  MarVerdict *verdict = mar_verification_get_verdict (self->verification);
  const MarPatient *patient = mar_verification_get_patient (self->verification);
  const MarOrder *order = mar_verification_get_order (self->verification);
  gint64 due = mar_verdict_get_due_time (verdict);

  switch (right)
    {
    case MAR_RIGHT_PATIENT:
      if (patient != NULL)
        {
          g_autofree char *name = mar_patient_dup_display_name (patient);

          /* Translators: the patient right when it passes. */
          return g_strdup_printf (_("Wristband matches %s"), name);
        }
      return g_strdup (_("Checked"));
    case MAR_RIGHT_DRUG:
      return g_strdup (_("The bag matches the order"));
    case MAR_RIGHT_DOSE:
      return g_strdup (_("The dose matches the order"));
    case MAR_RIGHT_ROUTE:
      return g_strdup (_("Intravenous, as ordered"));
    case MAR_RIGHT_TIME:
      if (due != MAR_TIME_UNSET)
        {
          g_autofree char *clock = mar_format_clock (mar_terminal_get_time_zone (self->terminal), due);

          /* Translators: on time: "Due 10:00 (on time within ±60 min)". */
          return g_strdup_printf (_("Due %s (on time within ±%d min)"), clock,
                                  mar_verdict_get_window_minutes (verdict));
        }
      if (order != NULL && order->as_needed)
        return g_strdup (_("As needed: no due time"));
      return g_strdup (_("Continuous infusion: no due time"));
    case MAR_RIGHT_OTHER:
    default:
      return g_strdup (_("No allergy or safety finding"));
    }
}

static GtkWidget *
right_row_new (MarVerdictPage *self,
               MarRight        right,
               GPtrArray      *findings)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 14);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_label_new (right_title (right));
  g_autoptr(GString) accessible = g_string_new (right_title (right));
  gboolean any = FALSE;
  MarSeverity worst = MAR_SEVERITY_INFO;

  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *finding = g_ptr_array_index (findings, i);
      GtkWidget *message;

      if (mar_finding_get_right (finding) != right)
        continue;
      if (!any || mar_finding_get_severity (finding) > worst)
        worst = mar_finding_get_severity (finding);
      any = TRUE;
      message = gtk_label_new (mar_finding_get_message (finding));
      gtk_label_set_wrap (GTK_LABEL (message), TRUE);
      gtk_label_set_xalign (GTK_LABEL (message), 0);
      gtk_widget_add_css_class (message, "finding-message");
      gtk_box_append (GTK_BOX (text_box), message);
      g_string_append_printf (accessible, ": %s", mar_finding_get_message (finding));
    }

  if (!any)
    {
      g_autofree char *text = right_pass_text (self, right);
      GtkWidget *message = gtk_label_new (text);

      gtk_label_set_wrap (GTK_LABEL (message), TRUE);
      gtk_label_set_xalign (GTK_LABEL (message), 0);
      gtk_widget_add_css_class (message, "finding-message");
      gtk_box_append (GTK_BOX (text_box), message);
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "mar-pass-symbolic");
      gtk_widget_add_css_class (row, "pass");
      g_string_append_printf (accessible, ": %s", text);
    }
  else
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), severity_icon_name (worst));
      gtk_widget_add_css_class (row, severity_css_class (worst));
    }

  gtk_image_set_pixel_size (GTK_IMAGE (icon), 36);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "right-title");
  gtk_box_prepend (GTK_BOX (text_box), title);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text_box);
  gtk_widget_add_css_class (box, "right-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str, -1);
  return row;
}

static void
clear_children (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    gtk_widget_unparent (child);
}

static MarChoiceGroup *
find_override_group (MarVerdictPage *self,
                     const char     *code)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->override_groups));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (mar_choice_group_get_key (MAR_CHOICE_GROUP (child)), code) == 0)
      return MAR_CHOICE_GROUP (child);
  return NULL;
}

static void
add_override_group (MarVerdictPage *self,
                    const char     *code,
                    const char     *message)
{
  guint n_terms = 0;
  const MarTerm *terms;
  GtkWidget *group;

  if (find_override_group (self, code) != NULL)
    return;
  terms = mar_vocabulary_override_reasons (code, &n_terms);
  group = mar_choice_group_new (message, terms, n_terms, FALSE);
  mar_choice_group_set_key (MAR_CHOICE_GROUP (group), code);
  gtk_box_append (self->override_groups, group);
  gtk_widget_set_visible (self->overrides_box, TRUE);
}

static void
show_error (MarVerdictPage *self,
            const char     *message)
{
  gtk_widget_set_visible (self->error_box, message != NULL);
  if (message != NULL)
    {
      gtk_label_set_label (self->error_label, message);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->error_box), GTK_ACCESSIBLE_PROPERTY_LABEL, message, -1);
    }
}

/* The ordered rate, worked out by the core's rate check for this bag
 * (mar_verify_rate(): dose rates converted with the bag's concentration
 * and the latest weight). */
static void
prefill_rate (MarVerdictPage *self)
{
  const MarOrder *order = mar_verification_get_order (self->verification);
  MarRateFacts facts = { 0 };
  g_autoptr(MarVerdict) rate = NULL;
  double low, high;

  gtk_editable_set_text (GTK_EDITABLE (self->rate_entry), "");
  gtk_label_set_label (self->ordered_rate_label, "");
  if (order == NULL || mar_verification_get_product (self->verification) == NULL)
    return;

  facts.now = mar_terminal_get_now (self->terminal);
  facts.library = mar_verifier_get_library (mar_terminal_get_verifier (self->terminal));
  facts.patient = mar_verification_get_patient (self->verification);
  facts.order = order;
  facts.product = mar_verification_get_product (self->verification);
  facts.dispense = mar_verification_get_dispense (self->verification);
  facts.rate_ml_per_h = 0;
  rate = mar_verify_rate (&facts);
  if (!mar_verdict_get_ordered_rate (rate, &low, &high))
    {
      gtk_label_set_label (self->ordered_rate_label, _("The order gives no rate: set the pump as prescribed."));
      return;
    }

  {
    g_autofree char *low_text = mar_format_number (low, 2);
    g_autofree char *high_text = mar_format_number (high, 2);
    g_autofree char *ordered = NULL;

    gtk_editable_set_text (GTK_EDITABLE (self->rate_entry), low_text);
    if (mar_quantity_values_equal (low, high))
      /* Translators: the ordered rate, under the rate field. */
      ordered = g_strdup_printf (_("Ordered: %s mL/h"), low_text);
    else
      /* Translators: an ordered rate range, under the rate field. */
      ordered = g_strdup_printf (_("Ordered: %s to %s mL/h"), low_text, high_text);
    gtk_label_set_label (self->ordered_rate_label, ordered);
  }
}

static void
update_product (MarVerdictPage *self)
{
  const MarProduct *product = mar_verification_get_product (self->verification);
  const MarDispense *dispense = mar_verification_get_dispense (self->verification);
  const MarOrder *order = mar_verification_get_order (self->verification);
  MarScanResult *product_scan = mar_verification_get_product_scan (self->verification);
  MarScan *scan = product_scan != NULL ? mar_scan_result_get_scan (product_scan) : NULL;
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *details_text = NULL;

  if (product != NULL && product->name != NULL)
    gtk_label_set_label (self->product_label, product->name);
  else if (scan != NULL)
    gtk_label_set_label (self->product_label, mar_scan_get_display (scan));
  else
    gtk_label_set_label (self->product_label, _("Unreadable code"));

  if (dispense != NULL && dispense->label != NULL)
    /* Translators: a pharmacy bag label's id. */
    g_ptr_array_add (details, g_strdup_printf (_("Pharmacy label %s"), dispense->label));
  if (scan != NULL && mar_scan_get_lot (scan) != NULL)
    /* Translators: the lot (batch) of a bag. */
    g_ptr_array_add (details, g_strdup_printf (_("Lot %s"), mar_scan_get_lot (scan)));
  if (scan != NULL && mar_scan_get_serial (scan) != NULL)
    /* Translators: the serial number of a bag. */
    g_ptr_array_add (details, g_strdup_printf (_("Serial %s"), mar_scan_get_serial (scan)));
  if (mar_scan_result_get_error (product_scan) != NULL)
    g_ptr_array_add (details, g_strdup (mar_scan_result_get_error (product_scan)));
  g_ptr_array_add (details, NULL);
  details_text = g_strjoinv (" · ", (char **) details->pdata);
  gtk_label_set_label (self->product_details, details_text);
  gtk_widget_set_visible (GTK_WIDGET (self->product_details), *details_text != '\0');

  if (order != NULL)
    gtk_label_set_label (self->order_label, order->text != NULL ? order->text : order->medication_display);
  else
    gtk_label_set_label (self->order_label, _("No matching order"));
}

static void
update_band (MarVerdictPage *self,
             MarVerdict     *verdict)
{
  MarVerdictKind kind = mar_verdict_get_kind (verdict);
  GPtrArray *findings = mar_verdict_get_findings (verdict);
  const char *subtitle = NULL;
  g_autofree char *accessible = NULL;

  gtk_widget_remove_css_class (self->verdict_band, "pass");
  gtk_widget_remove_css_class (self->verdict_band, "warn");
  gtk_widget_remove_css_class (self->verdict_band, "block");

  switch (kind)
    {
    case MAR_VERDICT_BLOCK:
      gtk_widget_add_css_class (self->verdict_band, "block");
      gtk_image_set_from_icon_name (self->verdict_icon, "mar-stop-symbolic");
      /* Translators: the verdict band of a hard stop (RULES.md block). */
      gtk_label_set_label (self->verdict_title, _("STOP — do not give"));
      break;
    case MAR_VERDICT_WARN:
      gtk_widget_add_css_class (self->verdict_band, "warn");
      gtk_image_set_from_icon_name (self->verdict_icon, "mar-warning-symbolic");
      /* Translators: the verdict band of a warning. */
      gtk_label_set_label (self->verdict_title, _("WARNING — check before giving"));
      break;
    case MAR_VERDICT_PASS:
    default:
      gtk_widget_add_css_class (self->verdict_band, "pass");
      gtk_image_set_from_icon_name (self->verdict_icon, "mar-pass-symbolic");
      /* Translators: the verdict band when every right checks. */
      gtk_label_set_label (self->verdict_title, _("PASS — right patient, right bag"));
      break;
    }

  /* The worst finding first (findings come worst first); a pass says
   * what it still needs before the bag is hung. */
  if (kind != MAR_VERDICT_PASS && findings->len > 0)
    subtitle = mar_finding_get_message (g_ptr_array_index (findings, 0));
  else if (mar_verdict_get_requirements (verdict) & MAR_REQUIRES_WITNESS)
    subtitle = _("High-alert drug: a second nurse checks and signs before you start.");
  else if (mar_verdict_get_requirements (verdict) & MAR_REQUIRES_PRN_REASON)
    subtitle = _("As-needed dose: say why it is given.");
  if (subtitle != NULL)
    gtk_label_set_label (self->verdict_subtitle, subtitle);
  else
    gtk_label_set_label (self->verdict_subtitle, _("Right patient, drug, dose, route and time."));

  accessible = g_strdup_printf ("%s. %s", gtk_label_get_label (self->verdict_title),
                                gtk_label_get_label (self->verdict_subtitle));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->verdict_band), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
update_requirements (MarVerdictPage *self,
                     MarVerdict     *verdict)
{
  MarVerdictKind kind = mar_verdict_get_kind (verdict);
  MarRequirement requires = mar_verdict_get_requirements (verdict);
  GPtrArray *findings = mar_verdict_get_findings (verdict);
  gboolean go_on = kind != MAR_VERDICT_BLOCK;

  clear_children (GTK_WIDGET (self->override_groups));
  gtk_widget_set_visible (self->overrides_box, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->override_comment), "");
  if (go_on)
    for (guint i = 0; i < findings->len; i++)
      {
        const MarFinding *finding = g_ptr_array_index (findings, i);

        if (mar_finding_get_severity (finding) == MAR_SEVERITY_WARN)
          add_override_group (self, mar_finding_get_code (finding), mar_finding_get_message (finding));
      }

  clear_children (GTK_WIDGET (self->witness_slot));
  self->witness_box = NULL;
  if (go_on && (requires & MAR_REQUIRES_WITNESS))
    {
      GtkWidget *box = mar_witness_box_new (self->terminal, self->nurse);

      self->witness_box = MAR_WITNESS_BOX (box);
      gtk_box_append (self->witness_slot, box);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->witness_slot), self->witness_box != NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->prn_entry), "");
  gtk_widget_set_visible (self->prn_box, go_on && (requires & MAR_REQUIRES_PRN_REASON));

  gtk_widget_set_visible (self->rate_box, go_on);
  if (go_on)
    prefill_rate (self);

  gtk_widget_set_visible (self->start_button, go_on);
  gtk_widget_set_visible (self->do_not_give_label, !go_on);
  gtk_widget_set_visible (self->not_given_button, mar_verdict_get_order_id (verdict) != NULL);
}

void
mar_verdict_page_set_verification (MarVerdictPage            *self,
                                   MarVerification           *verification,
                                   MarSignature              *nurse,
                                   const MarUnableToScanInfo *unable_to_scan,
                                   gint64                     previous)
{
  MarVerdict *verdict;
  const MarPatient *patient;
  GPtrArray *findings;
  GtkWidget *child;
  static const MarRight rights[] = {
    MAR_RIGHT_PATIENT, MAR_RIGHT_DRUG, MAR_RIGHT_DOSE, MAR_RIGHT_ROUTE, MAR_RIGHT_TIME, MAR_RIGHT_OTHER,
  };

  g_return_if_fail (MAR_IS_VERDICT_PAGE (self));
  g_return_if_fail (verification != NULL);

  g_clear_pointer (&self->verification, mar_verification_unref);
  self->verification = mar_verification_ref (verification);
  mar_verdict_page_set_nurse (self, nurse);
  g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
  if (unable_to_scan != NULL)
    self->unable_to_scan = unable_to_scan_info_copy (unable_to_scan);
  self->previous = previous;

  verdict = mar_verification_get_verdict (verification);
  findings = mar_verdict_get_findings (verdict);
  update_band (self, verdict);

  patient = mar_verification_get_patient (verification);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), patient != NULL);
  if (patient != NULL)
    {
      gint64 now = mar_terminal_get_now (self->terminal);
      g_autoptr(MarPatientSummary) summary = mar_patient_summary_read (mar_terminal_get_verifier (self->terminal),
                                                                       mar_terminal_get_record (self->terminal),
                                                                       patient->id, now, NULL);

      if (summary != NULL)
        mar_patient_banner_set_summary (self->banner, summary, mar_terminal_get_time_zone (self->terminal), now);
    }
  update_product (self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rights_list))) != NULL)
    gtk_list_box_remove (self->rights_list, child);
  for (guint i = 0; i < G_N_ELEMENTS (rights); i++)
    gtk_list_box_append (self->rights_list, right_row_new (self, rights[i], findings));

  update_requirements (self, verdict);
  show_error (self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scroller)), 0);

  if (mar_verdict_get_kind (verdict) == MAR_VERDICT_BLOCK)
    g_signal_emit (self, signals[SIGNAL_BLOCKED], 0);
}

static GArray *
collect_overrides (MarVerdictPage  *self,
                   char           **comment,
                   char           **missing)
{
  GArray *overrides = g_array_new (FALSE, TRUE, sizeof (MarOverride));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->override_comment));

  *comment = *text != '\0' ? g_strdup (text) : NULL;
  *missing = NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->override_groups));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      MarChoiceGroup *group = MAR_CHOICE_GROUP (child);
      MarOverride override = { 0 };

      override.code = mar_choice_group_get_key (group);
      override.reason = mar_choice_group_get_selected (group);
      override.comment = *comment;
      if (override.reason == NULL)
        {
          if (*missing == NULL)
            *missing = g_strdup (_("Choose a reason for each warning before starting."));
          continue;
        }
      if (mar_choice_group_needs_comment (group) && *comment == NULL)
        {
          if (*missing == NULL)
            *missing = g_strdup (_("“Other” needs a comment: say why."));
          continue;
        }
      g_array_append_val (overrides, override);
    }
  return overrides;
}

static char *
check_message (MarRecordCheck *check,
               const GError   *error)
{
  g_autoptr(GString) text = g_string_new (error->message);
  GPtrArray *items = check != NULL ? mar_record_check_get_items (check) : NULL;

  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const MarCheckItem *item = g_ptr_array_index (items, i);

      if (item->severity == MAR_SEVERITY_BLOCK && item->message != NULL &&
          strstr (text->str, item->message) == NULL)
        g_string_append_printf (text, "\n• %s", item->message);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
mar_verdict_page_start (MarVerdictPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarRecordCheck) check = NULL;
  g_autoptr(MarInfusion) infusion = NULL;
  g_autoptr(GArray) overrides = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *missing = NULL;
  MarRecordContext context = { 0 };
  MarStartRequest request = { 0 };
  MarUnableToScan unable = { 0 };
  const char *prn;
  double rate = 0;

  g_return_if_fail (MAR_IS_VERDICT_PAGE (self));

  if (self->verification == NULL || self->nurse == NULL)
    return;

  if (!mar_parse_number (gtk_editable_get_text (GTK_EDITABLE (self->rate_entry)), &rate) || rate <= 0)
    {
      show_error (self, _("Type the rate set on the pump, in mL/h."));
      gtk_widget_grab_focus (GTK_WIDGET (self->rate_entry));
      return;
    }
  overrides = collect_overrides (self, &comment, &missing);
  if (missing != NULL)
    {
      show_error (self, missing);
      return;
    }
  if (self->witness_box != NULL && mar_witness_box_get_signature (self->witness_box) == NULL)
    {
      show_error (self, _("A second nurse must sign as witness first (badge and PIN)."));
      return;
    }
  prn = gtk_editable_get_text (GTK_EDITABLE (self->prn_entry));
  if (gtk_widget_get_visible (self->prn_box) && *prn == '\0')
    {
      show_error (self, _("Say why the as-needed dose is given."));
      gtk_widget_grab_focus (GTK_WIDGET (self->prn_entry));
      return;
    }

  context.at = MAR_TIME_UNSET;
  context.now = mar_terminal_get_now (self->terminal);
  context.nurse = self->nurse;
  context.witness = self->witness_box != NULL ? mar_witness_box_get_signature (self->witness_box) : NULL;
  /* A GArray's data is malloc'ed: aligned for any type. */
  context.overrides = (const MarOverride *) (void *) overrides->data;
  context.n_overrides = overrides->len;

  request.patient_scan = mar_verification_get_patient_scan (self->verification);
  request.product_scan = mar_verification_get_product_scan (self->verification);
  request.previous = self->previous;
  request.rate_ml_per_h = rate;
  request.prn_reason = *prn != '\0' ? prn : NULL;
  if (self->unable_to_scan != NULL)
    {
      unable.patient_reason = self->unable_to_scan->patient_reason;
      unable.product_reason = self->unable_to_scan->product_reason;
      unable.confirmed_name = self->unable_to_scan->confirmed_name;
      unable.confirmed_birth_date = self->unable_to_scan->confirmed_birth_date;
      unable.confirmed_mrn = self->unable_to_scan->confirmed_mrn;
      request.unable_to_scan = &unable;
    }

  infusion = mar_record_start (mar_terminal_get_record (self->terminal), &context, &request, &check, &error);
  if (infusion != NULL)
    {
      show_error (self, NULL);
      g_signal_emit (self, signals[SIGNAL_STARTED], 0, infusion->id, infusion->updated_seq);
      return;
    }

  if (g_error_matches (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OPEN_INFUSION) && check != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_OPEN_INFUSION], 0, mar_record_check_get_open_infusion (check));
      return;
    }

  if (g_error_matches (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_OVERRIDE_REQUIRED) && check != NULL)
    {
      GPtrArray *still = mar_record_check_get_missing_overrides (check);

      /* The rate check at start (RATE_MISMATCH, soft limits) or a warning
       * that appeared since the scan: each needs its reason too. */
      for (guint i = 0; still != NULL && i < still->len; i++)
        {
          const MarCheckItem *item = g_ptr_array_index (still, i);

          add_override_group (self, item->code, item->message);
        }
      show_error (self, error->message);
      return;
    }

  {
    g_autofree char *message = check_message (check, error);

    show_error (self, message);
    if (g_error_matches (error, MAR_RECORD_ERROR, MAR_RECORD_ERROR_BLOCKED))
      g_signal_emit (self, signals[SIGNAL_BLOCKED], 0);
  }
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  mar_verdict_page_start (MAR_VERDICT_PAGE (widget));
}

static void
not_given_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MarVerdictPage *self = MAR_VERDICT_PAGE (widget);
  const char *order_id;

  if (self->verification == NULL)
    return;
  order_id = mar_verdict_get_order_id (mar_verification_get_verdict (self->verification));
  if (order_id != NULL)
    g_signal_emit (self, signals[SIGNAL_NOT_GIVEN], 0, order_id);
}

static void
mar_verdict_page_dispose (GObject *object)
{
  GtkWidget *child;
  MarVerdictPage *self = (MarVerdictPage *) object;

  g_clear_object (&self->terminal);
  g_clear_pointer (&self->verification, mar_verification_unref);
  g_clear_pointer (&self->nurse, mar_signature_unref);
  g_clear_pointer (&self->unable_to_scan, mar_unable_to_scan_info_free);
  self->witness_box = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_VERDICT_PAGE);
  /* The template's top-level child is not bound: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_verdict_page_parent_class)->dispose (object);
}

static void
mar_verdict_page_class_init (MarVerdictPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_verdict_page_dispose;

  /* ::started (gint64 infusion, gint64 entry_seq): the bag was started. */
  signals[SIGNAL_STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  /* ::not-given (const char *order_id) */
  signals[SIGNAL_NOT_GIVEN] =
    g_signal_new ("not-given", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* ::open-infusion (gint64 infusion): the bag is already running here. */
  signals[SIGNAL_OPEN_INFUSION] =
    g_signal_new ("open-infusion", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  /* ::blocked: a hard stop is on screen (the alert sound). */
  signals[SIGNAL_BLOCKED] =
    g_signal_new ("blocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-verdict-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, verdict_band);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, verdict_title);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, verdict_subtitle);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, banner);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, product_label);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, product_details);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, order_label);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, rights_list);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, overrides_box);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, override_groups);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, override_comment);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, witness_slot);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, prn_box);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, prn_entry);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, rate_box);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, rate_entry);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, ordered_rate_label);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, rate_keypad);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, error_box);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, close_button);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, not_given_button);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, do_not_give_label);
  gtk_widget_class_bind_template_child (widget_class, MarVerdictPage, start_button);

  gtk_widget_class_install_action (widget_class, "verdict.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "verdict.not-given", NULL, not_given_action);
  /* Keyboard-only use: Ctrl+Enter starts (a plain Enter may come from a
   * field being typed in). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "verdict.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "verdict.start", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "verdictpage");
}

static void
mar_verdict_page_init (MarVerdictPage *self)
{
  g_type_ensure (MAR_TYPE_PATIENT_BANNER);
  g_type_ensure (MAR_TYPE_KEYPAD);
  gtk_widget_init_template (GTK_WIDGET (self));
  mar_patient_banner_set_compact (self->banner, TRUE);
  mar_keypad_set_target (self->rate_keypad, GTK_EDITABLE (self->rate_entry));
}

GtkWidget *
mar_verdict_page_new (MarTerminal *terminal)
{
  MarVerdictPage *self = g_object_new (MAR_TYPE_VERDICT_PAGE, NULL);

  self->terminal = g_object_ref (terminal);
  return GTK_WIDGET (self);
}

MarVerification *
mar_verdict_page_get_verification (MarVerdictPage *self)
{
  g_return_val_if_fail (MAR_IS_VERDICT_PAGE (self), NULL);
  return self->verification;
}

MarVerdictKind
mar_verdict_page_get_kind (MarVerdictPage *self)
{
  g_return_val_if_fail (MAR_IS_VERDICT_PAGE (self), MAR_VERDICT_BLOCK);

  if (self->verification == NULL)
    return MAR_VERDICT_BLOCK;
  return mar_verdict_get_kind (mar_verification_get_verdict (self->verification));
}

gboolean
mar_verdict_page_take_badge (MarVerdictPage *self,
                             const char     *badge)
{
  g_return_val_if_fail (MAR_IS_VERDICT_PAGE (self), FALSE);

  return self->witness_box != NULL && mar_witness_box_take_badge (self->witness_box, badge);
}

void
mar_verdict_page_forget_witness (MarVerdictPage *self)
{
  g_return_if_fail (MAR_IS_VERDICT_PAGE (self));

  if (self->witness_box != NULL)
    mar_witness_box_clear (self->witness_box);
}

void
mar_verdict_page_focus_default (MarVerdictPage *self)
{
  g_return_if_fail (MAR_IS_VERDICT_PAGE (self));

  /* Keyboard use: straight to what the nurse must do next. */
  if (!gtk_widget_get_visible (self->start_button))
    gtk_widget_grab_focus (self->close_button);
  else if (self->witness_box != NULL && mar_witness_box_get_signature (self->witness_box) == NULL)
    gtk_widget_child_focus (GTK_WIDGET (self->witness_box), GTK_DIR_TAB_FORWARD);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->rate_entry));
}

void
mar_verdict_page_set_nurse (MarVerdictPage *self,
                            MarSignature   *nurse)
{
  g_return_if_fail (MAR_IS_VERDICT_PAGE (self));

  if (nurse != NULL)
    mar_signature_ref (nurse);
  g_clear_pointer (&self->nurse, mar_signature_unref);
  self->nurse = nurse;
}
