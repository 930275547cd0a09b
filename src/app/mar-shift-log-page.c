/* mar-shift-log-page.c — the charge nurse's shift log: every event, the summary, the timeline, sign-off
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-shift-log-page"

#include "config.h"

#include "mar-shift-log-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "mar-keypad.h"
#include "mar-shift-timeline.h"

typedef enum
{
  CARD_GIVEN,
  CARD_LATE,
  CARD_MISSED,
  CARD_OVERRIDES,
  CARD_UNABLE_TO_SCAN,
  CARD_REACTIONS,
  CARD_UNSYNCED,
  CARD_INTAKE,
  N_CARDS
} Card;

struct _MarShiftLogPage
{
  GtkWidget          parent_instance;

  AdwToastOverlay   *toasts;
  GtkStack          *main_stack;
  GtkEntry          *unit_entry;
  GtkMenuButton     *date_button;
  GtkCalendar       *calendar;
  GtkDropDown       *shift_dropdown;
  GtkLabel          *shift_label;
  GtkSpinner        *spinner;
  GtkImage          *sign_off_icon;
  GtkLabel          *sign_off_label;
  GtkLabel          *changed_label;
  GtkDropDown       *report_dropdown;
  GtkLabel          *error_label;
  GtkBox            *cards_box;
  GtkStack          *view_stack;
  GtkDropDown       *patient_dropdown;
  GtkDropDown       *nurse_dropdown;
  GtkDropDown       *flag_dropdown;
  GtkLabel          *count_label;
  GtkRevealer       *note_revealer;
  GtkLabel          *note_title;
  GtkEntry          *note_entry;
  GtkColumnView     *column_view;
  GtkListBox        *patients_list;
  MarShiftTimeline  *timeline;
  GtkLabel          *sign_off_summary;
  GtkEntry          *badge_entry;
  GtkPasswordEntry  *pin_entry;
  MarKeypad         *keypad;
  GtkLabel          *sign_off_error;

  GtkLabel          *card_values[N_CARDS];
  GtkLabel          *card_captions[N_CARDS];
  GtkWidget         *card_icons[N_CARDS];
  GtkWidget         *cards[N_CARDS];

  MarTerminal       *terminal;
  MarSignature      *signature;
  MarShiftPlan      *plan;
  char              *unit;           /* as asked: a Location id or name */
  MarShift           shift;
  MarShiftLog       *log;
  GCancellable      *cancellable;    /* the load under way, or NULL */
  char              *select_key;     /* the event to select once loaded */

  GtkSliceListModel *slice;          /* the log's first rows, then all of it */
  gulong             filling;        /* after-paint handler: the rest of the rows to come */
  GtkCustomFilter   *filter;
  GtkFilterListModel *filter_model;
  GtkSingleSelection *selection;
  GPtrArray         *patient_ids;    /* per patient dropdown item (NULL: all) */
  GPtrArray         *nurse_ids;
  GArray            *flag_values;    /* MarShiftFlags per flag dropdown item */
  char              *filter_patient;
  char              *filter_nurse;
  MarShiftFlags      filter_flag;
  char              *timeline_patient;
  gboolean           updating;       /* controls set by code: no reload */
  gboolean           patients_stale; /* the timeline tab is filled when shown */
};

G_DEFINE_FINAL_TYPE (MarShiftLogPage, mar_shift_log_page, GTK_TYPE_WIDGET)

static void load (MarShiftLogPage *self);

static void
toast (MarShiftLogPage *self,
       const char      *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

/* ---- The list of events ---- */

typedef struct
{
  const char *property;
  const char *title;
  const char *sort_property;  /* numeric sort on this property; NULL: by the text */
  gboolean    expand;
  int         width;          /* fixed width, -1 none */
  gboolean    end;            /* numbers: right-aligned */
} ColumnSpec;

/* Widths keep every word readable at 13 pt; on a 1280 px screen the
 * table scrolls sideways rather than cut a drug's name short. */
static const ColumnSpec columns[] = {
  { "time-text", N_("Time"), "time", FALSE, 70, FALSE },
  { "bed", N_("Bed"), NULL, FALSE, 66, FALSE },
  { "patient", N_("Patient"), NULL, FALSE, 170, FALSE },
  { "medication", N_("Drug"), NULL, TRUE, 250, FALSE },
  { "action-label", N_("Action"), NULL, FALSE, 130, FALSE },
  { "rate-text", N_("Rate"), "rate", FALSE, 90, TRUE },
  { "volume-text", N_("Volume"), "volume", FALSE, 84, TRUE },
  { "nurse", N_("Nurse"), NULL, FALSE, 170, FALSE },
  { "witness", N_("Witness"), NULL, FALSE, 120, FALSE },
  { "flags-text", N_("Flags"), NULL, TRUE, 220, FALSE },
  { "note", N_("Review note"), NULL, TRUE, 200, FALSE },
};

/* The icon beside the flags' words: never colour alone (issue 7). */
static const char *
flags_icon_name (MarShiftFlags flags)
{
  if ((flags & (MAR_SHIFT_FLAG_REACTION | MAR_SHIFT_FLAG_MISSED | MAR_SHIFT_FLAG_OVERRIDE | MAR_SHIFT_FLAG_LATE |
                MAR_SHIFT_FLAG_EARLY | MAR_SHIFT_FLAG_UNABLE_TO_SCAN | MAR_SHIFT_FLAG_KEYED |
                MAR_SHIFT_FLAG_LATE_ENTRY | MAR_SHIFT_FLAG_ENTERED_IN_ERROR | MAR_SHIFT_FLAG_AFTER_SIGN_OFF |
                MAR_SHIFT_FLAG_NOT_GIVEN)) != 0)
    return "mar-warning-symbolic";
  if ((flags & MAR_SHIFT_FLAG_UNSYNCED) != 0)
    return "mar-unsynced-symbolic";
  if ((flags & MAR_SHIFT_FLAG_REVIEWED) != 0)
    return "mar-pass-symbolic";
  return NULL;
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), spec->end ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (g_str_equal (spec->property, "flags-text"))
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *image = gtk_image_new ();

      gtk_box_append (GTK_BOX (box), image);
      gtk_box_append (GTK_BOX (box), label);
      gtk_list_item_set_child (item, box);
    }
  else
    gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  MarShiftLogEvent *event = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  MarShiftFlags flags = mar_shift_log_event_get_flags (event);
  g_autofree char *text = NULL;
  GtkLabel *label;

  g_object_get (event, spec->property, &text, NULL);
  if (GTK_IS_BOX (child))
    {
      const char *icon = flags_icon_name (flags);

      gtk_image_set_from_icon_name (GTK_IMAGE (gtk_widget_get_first_child (child)), icon);
      gtk_widget_set_visible (gtk_widget_get_first_child (child), icon != NULL);
      label = GTK_LABEL (gtk_widget_get_last_child (child));
    }
  else
    label = GTK_LABEL (child);
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), text != NULL && *text != '\0' ? text : NULL);

  /* Entered in error: struck through, never hidden (RULES.md, The record). */
  if ((flags & MAR_SHIFT_FLAG_ENTERED_IN_ERROR) != 0)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
      gtk_label_set_attributes (label, attrs);
      pango_attr_list_unref (attrs);
      gtk_widget_add_css_class (GTK_WIDGET (label), "dim-label");
    }
  else
    {
      gtk_label_set_attributes (label, NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "dim-label");
    }
}

static void
add_columns (MarShiftLogPage *self)
{
  GtkColumnViewColumn *time_column = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const ColumnSpec *spec = &columns[i];
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;
      GtkSorter *sorter;

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), (gpointer) spec);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), (gpointer) spec);
      column = gtk_column_view_column_new (_(spec->title), factory);
      if (spec->sort_property != NULL)
        sorter = GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (MAR_TYPE_SHIFT_LOG_EVENT, NULL,
                                                                                    spec->sort_property)));
      else
        sorter = GTK_SORTER (gtk_string_sorter_new (gtk_property_expression_new (MAR_TYPE_SHIFT_LOG_EVENT, NULL,
                                                                                   spec->property)));
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, spec->expand);
      if (spec->width > 0)
        gtk_column_view_column_set_fixed_width (column, spec->width);
      gtk_column_view_append_column (self->column_view, column);
      if (i == 0)
        time_column = column;
      g_object_unref (column);
    }
  gtk_column_view_sort_by_column (self->column_view, time_column, GTK_SORT_ASCENDING);
}

static gboolean
filter_event (gpointer item,
              gpointer user_data)
{
  MarShiftLogPage *self = user_data;
  MarShiftLogEvent *event = item;

  if (self->filter_patient != NULL && g_strcmp0 (mar_shift_log_event_get_patient_id (event), self->filter_patient) != 0)
    return FALSE;
  if (self->filter_nurse != NULL && g_strcmp0 (mar_shift_log_event_get_nurse_id (event), self->filter_nurse) != 0)
    return FALSE;
  if (self->filter_flag != MAR_SHIFT_FLAG_NONE && (mar_shift_log_event_get_flags (event) & self->filter_flag) == 0)
    return FALSE;
  return TRUE;
}

static void
update_count (MarShiftLogPage *self)
{
  guint shown, all;
  g_autofree char *text = NULL;

  /* Counted once every row is in (a frame after the first ones). */
  if (self->filling != 0)
    return;
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
  all = self->log != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->log)) : 0;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u event", "%u of %u events", all), shown, all);

  gtk_label_set_label (self->count_label, text);
}

static MarShiftLogEvent *
selected_event (MarShiftLogPage *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
selection_changed_cb (MarShiftLogPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift-log.add-note", selected_event (self) != NULL);
  if (selected_event (self) == NULL)
    gtk_revealer_set_reveal_child (self->note_revealer, FALSE);
}

/* ---- Filters ---- */

static const char *
id_at (GPtrArray *ids,
       guint      position)
{
  return position < ids->len ? g_ptr_array_index (ids, position) : NULL;
}

static void
filters_changed_cb (MarShiftLogPage *self)
{
  guint flag_position = gtk_drop_down_get_selected (self->flag_dropdown);

  if (self->updating)
    return;
  g_free (self->filter_patient);
  self->filter_patient = g_strdup (id_at (self->patient_ids, gtk_drop_down_get_selected (self->patient_dropdown)));
  g_free (self->filter_nurse);
  self->filter_nurse = g_strdup (id_at (self->nurse_ids, gtk_drop_down_get_selected (self->nurse_dropdown)));
  self->filter_flag = flag_position < self->flag_values->len
                      ? g_array_index (self->flag_values, MarShiftFlags, flag_position) : MAR_SHIFT_FLAG_NONE;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);
}

static guint
find_id (GPtrArray  *ids,
         const char *id)
{
  for (guint i = 1; id != NULL && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      return i;
  return 0;
}

/* Fills the dropdowns from the log, keeping what was picked where it
 * still exists. */
static void
fill_filters (MarShiftLogPage *self)
{
  g_autoptr(GtkStringList) patients = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) nurses = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) flags = gtk_string_list_new (NULL);
  GPtrArray *log_patients = mar_shift_log_get_patients (self->log);
  GPtrArray *log_nurses = mar_shift_log_get_nurses (self->log);
  guint flag_position = 0;

  g_ptr_array_set_size (self->patient_ids, 0);
  g_ptr_array_set_size (self->nurse_ids, 0);
  g_array_set_size (self->flag_values, 0);

  gtk_string_list_append (patients, _("All patients"));
  g_ptr_array_add (self->patient_ids, NULL);
  for (guint i = 0; i < log_patients->len; i++)
    {
      const MarShiftPatient *patient = g_ptr_array_index (log_patients, i);
      g_autofree char *label = g_strdup_printf ("%s · %s", patient->bed != NULL ? patient->bed : "–", patient->name);

      gtk_string_list_append (patients, label);
      g_ptr_array_add (self->patient_ids, g_strdup (patient->patient_id));
    }

  gtk_string_list_append (nurses, _("All nurses"));
  g_ptr_array_add (self->nurse_ids, NULL);
  for (guint i = 0; i < log_nurses->len; i++)
    {
      const MarShiftNurse *nurse = g_ptr_array_index (log_nurses, i);

      gtk_string_list_append (nurses, nurse->name != NULL ? nurse->name : nurse->staff_id);
      g_ptr_array_add (self->nurse_ids, g_strdup (nurse->staff_id));
    }

  gtk_string_list_append (flags, _("All flags"));
  g_array_append_val (self->flag_values, (MarShiftFlags) { MAR_SHIFT_FLAG_NONE });
  for (guint bit = 1; bit <= MAR_SHIFT_FLAG_LAST; bit <<= 1)
    {
      MarShiftFlags flag = bit;

      gtk_string_list_append (flags, mar_shift_flag_get_label (flag));
      g_array_append_val (self->flag_values, flag);
      if (flag == self->filter_flag)
        flag_position = self->flag_values->len - 1;
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->patient_dropdown, G_LIST_MODEL (patients));
  gtk_drop_down_set_model (self->nurse_dropdown, G_LIST_MODEL (nurses));
  gtk_drop_down_set_model (self->flag_dropdown, G_LIST_MODEL (flags));
  gtk_drop_down_set_selected (self->patient_dropdown, find_id (self->patient_ids, self->filter_patient));
  gtk_drop_down_set_selected (self->nurse_dropdown, find_id (self->nurse_ids, self->filter_nurse));
  gtk_drop_down_set_selected (self->flag_dropdown, flag_position);
  self->updating = FALSE;
  filters_changed_cb (self);
}

/* ---- Summary cards ---- */

static void
make_cards (MarShiftLogPage *self)
{
  for (guint i = 0; i < N_CARDS; i++)
    {
      GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *icon = gtk_image_new_from_icon_name ("mar-warning-symbolic");
      GtkWidget *value = gtk_label_new ("–");
      GtkWidget *caption = gtk_label_new (NULL);

      gtk_widget_add_css_class (card, "card");
      gtk_widget_add_css_class (card, "shift-card");
      gtk_widget_add_css_class (value, "shift-figure");
      gtk_widget_add_css_class (caption, "shift-caption");
      gtk_image_set_pixel_size (GTK_IMAGE (icon), 24);
      gtk_widget_set_visible (icon, FALSE);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      /* A wrapping label asks for its whole text as its minimum width
       * otherwise: eight cards would not fit a 1280 px screen. */
      gtk_label_set_width_chars (GTK_LABEL (caption), 8);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 16);
      gtk_widget_set_hexpand (card, TRUE);
      gtk_box_append (GTK_BOX (row), value);
      gtk_box_append (GTK_BOX (row), icon);
      gtk_box_append (GTK_BOX (card), row);
      gtk_box_append (GTK_BOX (card), caption);
      gtk_box_append (self->cards_box, card);
      self->cards[i] = card;
      self->card_values[i] = GTK_LABEL (value);
      self->card_captions[i] = GTK_LABEL (caption);
      self->card_icons[i] = icon;
    }
}

static void
set_card (MarShiftLogPage *self,
          Card             card,
          const char      *value,
          const char      *caption,
          gboolean         attention)
{
  gtk_label_set_label (self->card_values[card], value);
  gtk_label_set_label (self->card_captions[card], caption);
  /* A figure that needs the charge nurse's eye has the warning icon as
   * well as the colour. */
  gtk_widget_set_visible (self->card_icons[card], attention);
  if (attention)
    gtk_widget_add_css_class (self->cards[card], "shift-card-attention");
  else
    gtk_widget_remove_css_class (self->cards[card], "shift-card-attention");
  {
    g_autofree char *description = g_strdup_printf ("%s: %s", caption, value);

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->cards[card]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    description, -1);
  }
}

static void
set_count_card (MarShiftLogPage *self,
                Card             card,
                guint            value,
                const char      *caption,
                gboolean         attention)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  set_card (self, card, text, caption, attention && value > 0);
}

static void
update_cards (MarShiftLogPage *self)
{
  const MarShiftSummary *s = mar_shift_log_get_summary (self->log);
  g_autofree char *rate = g_strdup_printf ("%.0f %%", s->unable_to_scan_rate * 100);
  g_autofree char *rate_caption = g_strdup_printf (_("Unable to scan (%u of %u bags)"), s->unable_to_scan,
                                                   s->verifications);
  g_autofree char *intake = g_strdup_printf (_("%.0f mL"), s->iv_intake_ml);

  set_count_card (self, CARD_GIVEN, s->doses_given, _("Doses given"), FALSE);
  set_count_card (self, CARD_LATE, s->doses_late, _("Late doses"), TRUE);
  set_count_card (self, CARD_MISSED, s->doses_missed, _("Missed doses"), TRUE);
  set_count_card (self, CARD_OVERRIDES, s->overrides, _("Overrides"), TRUE);
  set_card (self, CARD_UNABLE_TO_SCAN, rate, rate_caption, s->unable_to_scan > 0);
  set_count_card (self, CARD_REACTIONS, s->reactions, _("Reactions"), TRUE);
  set_count_card (self, CARD_UNSYNCED, s->unsynced, _("Not yet on the server"), TRUE);
  set_card (self, CARD_INTAKE, intake, _("IV intake, all patients"), FALSE);
}

/* ---- Patients, IV intake and the timeline ---- */

static void
patient_selected_cb (MarShiftLogPage *self,
                     GtkListBoxRow   *row)
{
  const char *patient_id = row != NULL ? g_object_get_data (G_OBJECT (row), "patient-id") : NULL;

  if (row == NULL)
    return;
  g_free (self->timeline_patient);
  self->timeline_patient = g_strdup (patient_id);
  mar_shift_timeline_set_patient (self->timeline, patient_id);
}

static void
fill_patients (MarShiftLogPage *self)
{
  GPtrArray *patients = mar_shift_log_get_patients (self->log);
  GtkWidget *child;
  GtkListBoxRow *select = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->patients_list))) != NULL)
    gtk_list_box_remove (self->patients_list, child);

  mar_shift_timeline_set_log (self->timeline, self->log);
  for (guint i = 0; i < patients->len; i++)
    {
      const MarShiftPatient *patient = g_ptr_array_index (patients, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf ("%s · %s", patient->bed != NULL ? patient->bed : "–", patient->name);
      g_autofree char *subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u bag · IV intake", "%u bags · IV intake", patient->bags),
                                                   patient->bags);
      g_autofree char *intake = g_strdup_printf (_("%.0f mL"), patient->iv_intake_ml);
      GtkWidget *intake_label = gtk_label_new (intake);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (intake_label, "title-3");
      gtk_widget_set_tooltip_text (intake_label, _("IV intake in the shift"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), intake_label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "patient-id", g_strdup (patient->patient_id), g_free);
      gtk_list_box_append (self->patients_list, row);
      if (g_strcmp0 (patient->patient_id, self->timeline_patient) == 0
          || (self->timeline_patient == NULL && select == NULL && patient->bags > 0))
        select = GTK_LIST_BOX_ROW (row);
    }
  if (select != NULL)
    gtk_list_box_select_row (self->patients_list, select);
  else
    mar_shift_timeline_set_patient (self->timeline, NULL);
}

/* ---- Shift, sign-off ---- */

static void
update_sign_off (MarShiftLogPage *self)
{
  g_autofree char *text = mar_shift_log_dup_sign_off_text (self->log);
  gboolean signed_off = mar_shift_log_get_sign_off (self->log) != NULL;
  gboolean changed = mar_shift_log_is_changed_since_sign_off (self->log);

  gtk_label_set_label (self->sign_off_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->changed_label), changed);
  /* Signed off and unchanged: nothing to sign again (the core refuses it too). */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift-log.sign-off", !signed_off || changed);
  gtk_image_set_from_icon_name (self->sign_off_icon,
                                !signed_off ? "mar-due-symbolic" : changed ? "mar-warning-symbolic" : "mar-pass-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->sign_off_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->sign_off_icon), "warning");
  if (signed_off)
    gtk_widget_add_css_class (GTK_WIDGET (self->sign_off_icon), changed ? "warning" : "success");
}

static void
show_shift (MarShiftLogPage *self)
{
  g_autofree char *label = mar_shift_dup_label (&self->shift, mar_terminal_get_time_zone (self->terminal));
  g_autoptr(GDateTime) date = g_date_time_new (mar_terminal_get_time_zone (self->terminal),
                                               self->shift.year, self->shift.month, self->shift.day, 12, 0, 0);
  g_autofree char *date_text = g_date_time_format (date, "%a %-d %b %Y");
  g_autofree char *title = NULL;

  if (self->log != NULL)
    title = g_strdup_printf ("%s · %s", mar_shift_log_get_unit_name (self->log), label);
  gtk_label_set_label (self->shift_label, title != NULL ? title : label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->shift_label), title != NULL ? title : label);
  gtk_menu_button_set_label (self->date_button, date_text);

  self->updating = TRUE;
  gtk_calendar_select_day (self->calendar, date);
  for (guint i = 0; i < mar_shift_plan_get_n_shifts (self->plan); i++)
    if (g_strcmp0 (mar_shift_plan_get_shift (self->plan, i)->name, self->shift.name) == 0)
      gtk_drop_down_set_selected (self->shift_dropdown, i);
  self->updating = FALSE;
}

static void
fill_shift_dropdown (MarShiftLogPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; i < mar_shift_plan_get_n_shifts (self->plan); i++)
    {
      MarShift shift = { .name = mar_shift_plan_get_shift (self->plan, i)->name };
      g_autofree char *label = mar_shift_dup_name_label (&shift);

      gtk_string_list_append (names, label);
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->shift_dropdown, G_LIST_MODEL (names));
  self->updating = FALSE;
}

static void
view_changed_cb (MarShiftLogPage *self)
{
  if (self->patients_stale && self->log != NULL
      && g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "timeline") == 0)
    {
      self->patients_stale = FALSE;
      fill_patients (self);
    }
}

static void
refresh (MarShiftLogPage *self)
{
  fill_filters (self);
  update_cards (self);
  update_sign_off (self);
  /* The patients and the timeline are built when their tab is shown. */
  self->patients_stale = TRUE;
  view_changed_cb (self);
  show_shift (self);
  update_count (self);
}

static gboolean
select_key (MarShiftLogPage *self,
            const char      *key)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MarShiftLogEvent) event = g_list_model_get_item (model, i);

      if (g_strcmp0 (mar_shift_log_event_get_key (event), key) == 0)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

static void
stop_filling (MarShiftLogPage *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->filling != 0 && clock != NULL)
    g_signal_handler_disconnect (clock, self->filling);
  self->filling = 0;
}

static void
all_rows (MarShiftLogPage *self)
{
  stop_filling (self);
  gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  update_count (self);
  if (self->select_key != NULL)
    select_key (self, self->select_key);
  g_clear_pointer (&self->select_key, g_free);
  selection_changed_cb (self);
}

/* GTK 4.8's list views build the widgets of up to 200 rows as soon as
 * the model grows: a busy shift would hold the main loop (and a scan)
 * for as long as that takes before anything shows. The rows go in a
 * screenful per frame instead: the first ones are on screen at once, and
 * each frame after adds the next. */
#define FIRST_ROWS 24

static void
rows_painted_cb (GdkFrameClock   *clock,
                 MarShiftLogPage *self)
{
  guint size = gtk_slice_list_model_get_size (self->slice) + FIRST_ROWS;

  if (self->log == NULL || size >= g_list_model_get_n_items (G_LIST_MODEL (self->log)))
    all_rows (self);
  else
    gtk_slice_list_model_set_size (self->slice, size);
}

static void
set_log (MarShiftLogPage *self,
         MarShiftLog     *log)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  stop_filling (self);
  g_set_object (&self->log, log);
  gtk_slice_list_model_set_size (self->slice, FIRST_ROWS);
  gtk_slice_list_model_set_model (self->slice, G_LIST_MODEL (log));
  mar_shift_clear (&self->shift);
  mar_shift_copy (mar_shift_log_get_shift (log), &self->shift);
  gtk_editable_set_text (GTK_EDITABLE (self->unit_entry), mar_shift_log_get_unit_name (log));
  if (clock != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->filling = g_signal_connect (clock, "after-paint", G_CALLBACK (rows_painted_cb), self);
  refresh (self);
  if (self->filling == 0)
    all_rows (self);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(MarShiftLogPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarShiftLog) log = mar_shift_log_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (log == NULL)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      show_shift (self);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_log (self, log);
}

static void
load (MarShiftLogPage *self)
{
  MarStore *store = mar_terminal_get_store (self->terminal);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  /* A worker thread on its own read-only connection: a 40-bed unit's
   * shift never holds up the main loop (or a scan). */
  mar_shift_log_load_async (mar_store_get_path (store),
                            mar_verifier_get_library (mar_terminal_get_verifier (self->terminal)),
                            mar_terminal_get_time_zone (self->terminal), self->unit, &self->shift,
                            mar_terminal_get_now (self->terminal), self->cancellable, loaded_cb,
                            g_object_ref (self));
}

static void
resolve_and_load (MarShiftLogPage *self)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *date_text = NULL;
  guint position = gtk_drop_down_get_selected (self->shift_dropdown);
  MarShift shift = { 0 };
  g_autoptr(GError) error = NULL;

  if (self->updating || position >= mar_shift_plan_get_n_shifts (self->plan))
    return;
  date = gtk_calendar_get_date (self->calendar);
  date_text = g_date_time_format (date, "%Y-%m-%d");
  if (!mar_shift_plan_resolve (self->plan, mar_terminal_get_time_zone (self->terminal),
                               mar_shift_plan_get_shift (self->plan, position)->name, date_text, &shift, &error))
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  mar_shift_clear (&self->shift);
  self->shift = shift;
  load (self);
}

static void
calendar_day_selected_cb (MarShiftLogPage *self)
{
  if (self->updating)
    return;
  gtk_menu_button_popdown (self->date_button);
  resolve_and_load (self);
}

static void
unit_activate_cb (MarShiftLogPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->unit_entry));

  if (*text == '\0')
    return;
  g_free (self->unit);
  self->unit = g_strdup (text);
  load (self);
}

static void
step_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  MarShift shift = { 0 };

  mar_shift_plan_step (self->plan, mar_terminal_get_time_zone (self->terminal), &self->shift,
                       g_str_equal (action_name, "shift-log.next") ? 1 : -1, &shift);
  mar_shift_clear (&self->shift);
  self->shift = shift;
  show_shift (self);
  load (self);
}

/* ---- Review notes ---- */

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  MarShiftLogEvent *event = selected_event (self);
  g_autofree char *title = NULL;

  if (event == NULL)
    return;
  title = g_strdup_printf ("%s · %s · %s", mar_shift_log_event_get_time_text (event),
                           mar_shift_log_event_get_bed (event) != NULL ? mar_shift_log_event_get_bed (event) : "–",
                           mar_shift_log_event_get_action_label (event));
  gtk_label_set_label (self->note_title, title);
  gtk_revealer_set_reveal_child (self->note_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}

static void
cancel_note_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  gtk_revealer_set_reveal_child (self->note_revealer, FALSE);
}

static void
save_note_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->note_entry)));

  if (!mar_shift_log_page_add_note (self, text, &error))
    toast (self, error->message);
}

/* ---- Sign-off ---- */

static void
sign_off_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  g_autofree char *label = NULL;
  g_autofree char *state = NULL;
  g_autofree char *summary = NULL;

  if (self->log == NULL)
    return;
  label = mar_shift_dup_label (mar_shift_log_get_shift (self->log), mar_shift_log_get_time_zone (self->log));
  state = mar_shift_log_dup_sign_off_text (self->log);
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s\n%s, %u event\n%s", "%s\n%s, %u events\n%s",
                                          g_list_model_get_n_items (G_LIST_MODEL (self->log))),
                             mar_shift_log_get_unit_name (self->log), label,
                             g_list_model_get_n_items (G_LIST_MODEL (self->log)), state);
  gtk_label_set_label (self->sign_off_summary, summary);
  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->sign_off_error), FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "sign-off");
  gtk_widget_grab_focus (GTK_WIDGET (self->badge_entry));
}

static void
leave_sign_off (MarShiftLogPage *self)
{
  /* The PIN never stays on screen. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_stack_set_visible_child_name (self->main_stack, "log");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
cancel_sign_off_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  leave_sign_off (MAR_SHIFT_LOG_PAGE (widget));
}

static void
confirm_sign_off_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *badge = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->badge_entry)));
  g_autofree char *pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));

  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  if (!mar_shift_log_page_sign_off (self, badge, pin, &error))
    {
      gtk_label_set_label (self->sign_off_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->sign_off_error), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
    }
}

static void
badge_activate_cb (MarShiftLogPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
pin_activate_cb (MarShiftLogPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "shift-log.confirm-sign-off", NULL);
}

/* ---- Export and print ---- */

static MarReportKind
selected_report_kind (MarShiftLogPage *self)
{
  guint position = gtk_drop_down_get_selected (self->report_dropdown);

  return position < MAR_REPORT_N_KINDS ? (MarReportKind) position : MAR_REPORT_SHIFT_LOG;
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(MarShiftLogPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = mar_report_export_save_finish (result, &error);

  if (path != NULL)
    {
      g_autofree char *basename = g_path_get_basename (path);
      g_autofree char *text = g_strdup_printf (_("Saved %s"), basename);

      toast (self, text);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  g_autoptr(MarReport) report = NULL;
  MarReportFormat format;

  if (self->log == NULL || !mar_report_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;
  report = mar_shift_log_build_report (self->log, selected_report_kind (self), mar_terminal_get_now (self->terminal));
  mar_report_export_save_async (GTK_WINDOW (gtk_widget_get_root (widget)), report, format, NULL, saved_cb,
                                g_object_ref (self));
}

/* shift-log.export-to (kind, format, path): the same without the file
 * chooser (tests, scripted kiosks). */
static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  const char *kind_text, *format_text, *path;
  MarReportKind kind;
  MarReportFormat format;
  g_autoptr(GError) error = NULL;

  g_variant_get (parameter, "(&s&s&s)", &kind_text, &format_text, &path);
  if (!mar_report_kind_from_string (kind_text, &kind) || !mar_report_format_from_string (format_text, &format))
    {
      g_warning ("export-to: unknown report kind or format");
      return;
    }
  if (!mar_shift_log_page_export (self, kind, format, path, &error))
    toast (self, error->message);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);
  g_autoptr(MarReport) report = NULL;

  if (self->log == NULL)
    return;
  report = mar_shift_log_build_report (self->log, selected_report_kind (self), mar_terminal_get_now (self->terminal));
  mar_report_export_print (GTK_WINDOW (gtk_widget_get_root (widget)), report);
}

/* ---- Object ---- */

static void
mar_shift_log_page_dispose (GObject *object)
{
  MarShiftLogPage *self = (MarShiftLogPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_filling (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), MAR_TYPE_SHIFT_LOG_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (mar_shift_log_page_parent_class)->dispose (object);
}

static void
mar_shift_log_page_unmap (GtkWidget *widget)
{
  MarShiftLogPage *self = MAR_SHIFT_LOG_PAGE (widget);

  /* Off screen nothing is painted: the rest of the rows go in now. */
  if (self->filling != 0)
    all_rows (self);
  GTK_WIDGET_CLASS (mar_shift_log_page_parent_class)->unmap (widget);
}

static void
mar_shift_log_page_finalize (GObject *object)
{
  MarShiftLogPage *self = (MarShiftLogPage *) object;

  g_clear_object (&self->selection);
  g_clear_object (&self->log);
  g_clear_object (&self->terminal);
  g_clear_pointer (&self->signature, mar_signature_unref);
  g_clear_pointer (&self->plan, mar_shift_plan_unref);
  g_clear_pointer (&self->unit, g_free);
  mar_shift_clear (&self->shift);
  g_clear_pointer (&self->select_key, g_free);
  g_clear_pointer (&self->patient_ids, g_ptr_array_unref);
  g_clear_pointer (&self->nurse_ids, g_ptr_array_unref);
  g_clear_pointer (&self->flag_values, g_array_unref);
  g_clear_pointer (&self->filter_patient, g_free);
  g_clear_pointer (&self->filter_nurse, g_free);
  g_clear_pointer (&self->timeline_patient, g_free);

  G_OBJECT_CLASS (mar_shift_log_page_parent_class)->finalize (object);
}

static void
mar_shift_log_page_class_init (MarShiftLogPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mar_shift_log_page_dispose;
  object_class->finalize = mar_shift_log_page_finalize;
  widget_class->unmap = mar_shift_log_page_unmap;

  g_type_ensure (MAR_TYPE_SHIFT_TIMELINE);
  g_type_ensure (MAR_TYPE_KEYPAD);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/bedsidemar/BedsideMar/ui/mar-shift-log-page.ui");
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, main_stack);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, unit_entry);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, date_button);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, shift_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, shift_label);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, sign_off_icon);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, sign_off_label);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, changed_label);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, report_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, cards_box);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, patient_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, nurse_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, flag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, note_revealer);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, note_title);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, note_entry);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, patients_list);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, timeline);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, sign_off_summary);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, badge_entry);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, keypad);
  gtk_widget_class_bind_template_child (widget_class, MarShiftLogPage, sign_off_error);

  gtk_widget_class_install_action (widget_class, "shift-log.previous", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "shift-log.next", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "shift-log.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "shift-log.save-note", NULL, save_note_action);
  gtk_widget_class_install_action (widget_class, "shift-log.cancel-note", NULL, cancel_note_action);
  gtk_widget_class_install_action (widget_class, "shift-log.sign-off", NULL, sign_off_action);
  gtk_widget_class_install_action (widget_class, "shift-log.cancel-sign-off", NULL, cancel_sign_off_action);
  gtk_widget_class_install_action (widget_class, "shift-log.confirm-sign-off", NULL, confirm_sign_off_action);
  gtk_widget_class_install_action (widget_class, "shift-log.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "shift-log.export-to", "(sss)", export_to_action);
  gtk_widget_class_install_action (widget_class, "shift-log.print", NULL, print_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "shiftlogpage");
}

static void
mar_shift_log_page_init (MarShiftLogPage *self)
{
  g_autoptr(GtkStringList) reports = gtk_string_list_new (NULL);
  GtkSortListModel *sort_model;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->patient_ids = g_ptr_array_new_with_free_func (g_free);
  self->nurse_ids = g_ptr_array_new_with_free_func (g_free);
  self->flag_values = g_array_new (FALSE, FALSE, sizeof (MarShiftFlags));

  make_cards (self);
  add_columns (self);
  self->filter = gtk_custom_filter_new (filter_event, self, NULL);
  self->slice = gtk_slice_list_model_new (NULL, 0, FIRST_ROWS);
  self->filter_model = gtk_filter_list_model_new (G_LIST_MODEL (self->slice), GTK_FILTER (self->filter));
  sort_model = gtk_sort_list_model_new (G_LIST_MODEL (self->filter_model),
                                        g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (sort_model));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_model, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);

  for (guint kind = 0; kind < MAR_REPORT_N_KINDS; kind++)
    gtk_string_list_append (reports, mar_report_kind_get_title (kind));
  gtk_drop_down_set_model (self->report_dropdown, G_LIST_MODEL (reports));

  g_signal_connect_object (self->patient_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->nurse_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flag_dropdown, "notify::selected", G_CALLBACK (filters_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->shift_dropdown, "notify::selected", G_CALLBACK (resolve_and_load), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->calendar, "day-selected", G_CALLBACK (calendar_day_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child", G_CALLBACK (view_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->unit_entry, "activate", G_CALLBACK (unit_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patients_list, "row-selected", G_CALLBACK (patient_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->badge_entry, "activate", G_CALLBACK (badge_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pin_entry, "activate", G_CALLBACK (pin_activate_cb), self, G_CONNECT_SWAPPED);
  mar_keypad_set_target (self->keypad, GTK_EDITABLE (self->pin_entry));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "shift-log.add-note", FALSE);
  update_count (self);
}

GtkWidget *
mar_shift_log_page_new (MarTerminal  *terminal,
                        MarSignature *signature)
{
  MarShiftLogPage *self;
  g_autoptr(GError) error = NULL;
  const char *unit_id;

  g_return_val_if_fail (MAR_IS_TERMINAL (terminal), NULL);
  g_return_val_if_fail (signature != NULL, NULL);

  self = g_object_new (MAR_TYPE_SHIFT_LOG_PAGE, NULL);
  self->terminal = g_object_ref (terminal);
  self->signature = mar_signature_ref (signature);
  unit_id = mar_terminal_get_unit_id (terminal);
  self->plan = mar_shift_plan_new_from_config (mar_terminal_get_config (terminal), unit_id, &error);
  if (self->plan == NULL)
    {
      /* The page still opens on the default plan and says why. */
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      self->plan = mar_shift_plan_new_default ();
    }
  fill_shift_dropdown (self);
  mar_shift_log_page_load (self, NULL, NULL);
  return GTK_WIDGET (self);
}

void
mar_shift_log_page_load (MarShiftLogPage *self,
                         const char      *unit,
                         const MarShift  *shift)
{
  g_return_if_fail (MAR_IS_SHIFT_LOG_PAGE (self));

  if (unit == NULL)
    unit = mar_terminal_get_unit_id (self->terminal);
  if (unit != NULL && unit != self->unit)
    {
      g_free (self->unit);
      self->unit = g_strdup (unit);
    }
  if (unit != NULL && mar_terminal_get_unit_id (self->terminal) != NULL
      && g_strcmp0 (unit, mar_terminal_get_unit_id (self->terminal)) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->unit_entry), mar_terminal_get_unit_name (self->terminal) != NULL
                                                            ? mar_terminal_get_unit_name (self->terminal) : unit);
  else if (unit != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->unit_entry), unit);

  if (shift != &self->shift)
    {
      mar_shift_clear (&self->shift);
      if (shift != NULL)
        mar_shift_copy (shift, &self->shift);
      else
        mar_shift_plan_find (self->plan, mar_terminal_get_time_zone (self->terminal),
                             mar_terminal_get_now (self->terminal), &self->shift);
    }
  show_shift (self);
  if (self->unit == NULL)
    {
      gtk_label_set_label (self->error_label, _("This terminal has no unit configured. Type the unit's name."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  load (self);
}

gboolean
mar_shift_log_page_is_loading (MarShiftLogPage *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);
  return self->cancellable != NULL || self->filling != 0;
}

MarShiftLog *
mar_shift_log_page_get_log (MarShiftLogPage *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), NULL);
  return self->log;
}

guint
mar_shift_log_page_get_n_shown (MarShiftLogPage *self)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
}

gboolean
mar_shift_log_page_set_filter (MarShiftLogPage *self,
                               const char      *patient_id,
                               const char      *nurse_id,
                               MarShiftFlags    flag)
{
  guint patient = find_id (self->patient_ids, patient_id);
  guint nurse = find_id (self->nurse_ids, nurse_id);
  guint flag_position = 0;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  for (guint i = 1; flag != MAR_SHIFT_FLAG_NONE && i < self->flag_values->len; i++)
    if (g_array_index (self->flag_values, MarShiftFlags, i) == flag)
      flag_position = i;
  if ((patient_id != NULL && patient == 0) || (nurse_id != NULL && nurse == 0)
      || (flag != MAR_SHIFT_FLAG_NONE && flag_position == 0))
    return FALSE;
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->patient_dropdown, patient);
  gtk_drop_down_set_selected (self->nurse_dropdown, nurse);
  gtk_drop_down_set_selected (self->flag_dropdown, flag_position);
  self->updating = FALSE;
  filters_changed_cb (self);
  return TRUE;
}

gboolean
mar_shift_log_page_select_event (MarShiftLogPage *self,
                                 const char      *key)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  if (select_key (self, key))
    return TRUE;
  mar_shift_log_page_set_filter (self, NULL, NULL, MAR_SHIFT_FLAG_NONE);
  return select_key (self, key);
}

gboolean
mar_shift_log_page_add_note (MarShiftLogPage  *self,
                             const char       *text,
                             GError          **error)
{
  MarShiftLogEvent *event;
  g_autofree char *key = NULL;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  event = selected_event (self);
  if (event == NULL)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_UNKNOWN_EVENT,
                           _("Pick the event the note is about first."));
      return FALSE;
    }
  key = g_strdup (mar_shift_log_event_get_key (event));
  if (mar_shift_log_add_note (mar_terminal_get_store (self->terminal), key, self->signature, text,
                              mar_terminal_get_now (self->terminal), error) == 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
  gtk_revealer_set_reveal_child (self->note_revealer, FALSE);
  toast (self, _("Review note saved"));
  /* Read again in the background, back on the same event. */
  g_free (self->select_key);
  self->select_key = g_steal_pointer (&key);
  load (self);
  return TRUE;
}

gboolean
mar_shift_log_page_take_badge (MarShiftLogPage *self,
                               const char      *badge)
{
  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "sign-off") != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->badge_entry), badge);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_off_error), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
  return TRUE;
}

gboolean
mar_shift_log_page_sign_off (MarShiftLogPage  *self,
                             const char       *badge,
                             const char       *pin,
                             GError          **error)
{
  g_autoptr(MarSignature) charge = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  if (self->log == NULL)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_FAILED, _("The shift log is still loading."));
      return FALSE;
    }
  if (badge == NULL || *badge == '\0')
    {
      g_set_error_literal (error, MAR_STAFF_AUTH_ERROR, MAR_STAFF_AUTH_ERROR_UNKNOWN_BADGE,
                           _("Scan your badge first."));
      return FALSE;
    }
  /* Badge and PIN checked on the spot (docs/shift-log.md): the core
   * refuses a signature older than MAR_SHIFT_SIGN_OFF_MAX_AGE_SECONDS and
   * anyone but a charge nurse. */
  charge = mar_terminal_sign_in (self->terminal, badge, pin, error);
  if (charge == NULL)
    return FALSE;
  if (!mar_shift_log_sign_off (self->log, mar_terminal_get_store (self->terminal), charge,
                               mar_terminal_get_now (self->terminal), NULL, &local_error))
    {
      /* Documented meanwhile: show what is there now before signing. */
      if (g_error_matches (local_error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_CHANGED))
        load (self);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  leave_sign_off (self);
  refresh (self);
  toast (self, _("Shift signed off"));
  return TRUE;
}

gboolean
mar_shift_log_page_export (MarShiftLogPage  *self,
                           MarReportKind     kind,
                           MarReportFormat   format,
                           const char       *path,
                           GError          **error)
{
  g_autoptr(MarReport) report = NULL;

  g_return_val_if_fail (MAR_IS_SHIFT_LOG_PAGE (self), FALSE);

  if (self->log == NULL)
    {
      g_set_error_literal (error, MAR_SHIFT_LOG_ERROR, MAR_SHIFT_LOG_ERROR_FAILED, _("The shift log is still loading."));
      return FALSE;
    }
  report = mar_shift_log_build_report (self->log, kind, mar_terminal_get_now (self->terminal));
  return mar_report_export_to_file (report, path, format, error);
}
