/* mar-scan-input.c — a keyboard-wedge scanner on any screen of a window
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-scan-input"

#include "config.h"

#include "mar-scan-input.h"

#define GS 0x1d

struct _MarScanInput
{
  GObject    parent_instance;

  GtkWindow *window;        /* weak */
  MarWedge  *wedge;
  guint      tick_source;
  gint64     clock_offset;  /* event clock − monotonic clock, at the last key */
  gint64     last_scan_time;
  GtkWidget *last_focus;    /* weak; to reset the typed line on a new field */
};

enum {
  SIGNAL_SCANNED,
  SIGNAL_KEYED,
  SIGNAL_INCOMPLETE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MarScanInput, mar_scan_input, G_TYPE_OBJECT)

static void schedule_tick (MarScanInput *self);

/* TYPED: the held keys were a person's. They land where the focus is, as
 * if typed (mar-wedge.h, contract 3). */
static void
deliver_typed (MarScanInput *self,
               const char   *text)
{
  GtkWidget *focus;

  if (self->window == NULL)
    return;
  focus = gtk_root_get_focus (GTK_ROOT (self->window));
  if (focus == NULL)
    return;

  if (GTK_IS_EDITABLE (focus) && gtk_editable_get_editable (GTK_EDITABLE (focus)))
    {
      GtkEditable *editable = GTK_EDITABLE (focus);
      int position;

      gtk_editable_delete_selection (editable);
      position = gtk_editable_get_position (editable);
      gtk_editable_insert_text (editable, text, -1, &position);
      gtk_editable_set_position (editable, position);
      return;
    }

  /* Space activates a focused button or check box (keyboard-only use):
   * the wedge held it like any printable key. */
  if (g_str_equal (text, " "))
    gtk_widget_activate (focus);
}

static void
drain_events (MarScanInput *self)
{
  MarWedgeEvent *event;

  while ((event = mar_wedge_next_event (self->wedge)) != NULL)
    {
      g_autoptr(MarWedgeEvent) owned = event;  /* freed at the end of the turn */

      (void) owned;
      switch (event->kind)
        {
        case MAR_WEDGE_EVENT_TYPED:
          deliver_typed (self, event->text);
          break;

        case MAR_WEDGE_EVENT_SCAN:
          {
            g_autoptr(GBytes) data = g_bytes_new (event->text, event->length);

            self->last_scan_time = g_get_monotonic_time ();
            g_signal_emit (self, signals[SIGNAL_SCANNED], 0, data);
          }
          break;

        case MAR_WEDGE_EVENT_KEYED:
          g_signal_emit (self, signals[SIGNAL_KEYED], 0, event->text);
          break;

        case MAR_WEDGE_EVENT_INCOMPLETE_SCAN:
          g_signal_emit (self, signals[SIGNAL_INCOMPLETE], 0);
          break;

        default:
          g_assert_not_reached ();
        }
    }
}

/* The wedge judges keys by their event times, never by when a handler
 * runs (mar-wedge.h, contract 1). Its deadline is on the event clock, so
 * the time is up only when the event clock has passed it: estimated from
 * the last key's offset between the event clock and the monotonic clock,
 * which errs late when the main loop was busy (keys queued). The timer
 * runs just below the priority of input events (GDK_PRIORITY_EVENTS is
 * G_PRIORITY_DEFAULT): after a stall, keys already waiting are handled
 * first, so a timer cannot cut a scan whose next keys are queued; and
 * redraws (lower priority) cannot starve it. */
static gboolean
tick_cb (gpointer user_data)
{
  MarScanInput *self = user_data;
  gint64 deadline = mar_wedge_get_deadline (self->wedge);
  gint64 event_now = g_get_monotonic_time () + self->clock_offset;

  self->tick_source = 0;
  if (deadline != -1 && event_now >= deadline)
    {
      mar_wedge_tick (self->wedge, event_now);
      drain_events (self);
    }
  schedule_tick (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_tick (MarScanInput *self)
{
  gint64 deadline = mar_wedge_get_deadline (self->wedge);
  gint64 event_now;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (deadline == -1)
    return;
  event_now = g_get_monotonic_time () + self->clock_offset;
  self->tick_source = g_timeout_add_full (G_PRIORITY_DEFAULT + 1, MAX ((deadline - event_now) / 1000, 0) + 1,
                                          tick_cb, self, NULL);
  g_source_set_name_by_id (self->tick_source, "[mar] wedge tick");
}

gboolean
mar_scan_input_feed_key (MarScanInput *self,
                         guint         keyval,
                         gunichar      ch,
                         gint64        time_us)
{
  MarWedgeKeyAction action;

  g_return_val_if_fail (MAR_IS_SCAN_INPUT (self), FALSE);

  self->clock_offset = time_us - g_get_monotonic_time ();
  action = mar_wedge_key_press (self->wedge, keyval, ch, time_us);
  drain_events (self);
  schedule_tick (self);
  return action == MAR_WEDGE_KEY_SWALLOW;
}

static gboolean
key_pressed_cb (MarScanInput          *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  gint64 time_us = event != NULL ? (gint64) gdk_event_get_time (event) * 1000
                                 : g_get_monotonic_time ();
  gunichar ch = gdk_keyval_to_unicode (keyval);

  /* Shortcuts are not fed, except Ctrl+] which is GS on many scanners. */
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK))
    {
      if ((state & GDK_CONTROL_MASK) && keyval == GDK_KEY_bracketright)
        return mar_scan_input_feed_key (self, keyval, GS, time_us);
      return GDK_EVENT_PROPAGATE;
    }

  return mar_scan_input_feed_key (self, keyval, ch, time_us) ? GDK_EVENT_STOP : GDK_EVENT_PROPAGATE;
}

static void
focus_changed_cb (MarScanInput *self)
{
  GtkWidget *focus = self->window != NULL ? gtk_root_get_focus (GTK_ROOT (self->window)) : NULL;

  /* mar-wedge.h, contract 4: a new field is a new line. */
  if (focus != self->last_focus)
    {
      g_set_weak_pointer (&self->last_focus, focus);
      mar_wedge_reset (self->wedge);
      drain_events (self);
      schedule_tick (self);
    }
}

static void
active_changed_cb (MarScanInput *self)
{
  if (self->window != NULL && !gtk_window_is_active (self->window))
    {
      mar_wedge_flush (self->wedge);
      drain_events (self);
      schedule_tick (self);
    }
}

static void
mar_scan_input_dispose (GObject *object)
{
  MarScanInput *self = (MarScanInput *) object;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->window != NULL)
    g_signal_handlers_disconnect_by_data (self->window, self);
  g_clear_weak_pointer (&self->window);
  g_clear_weak_pointer (&self->last_focus);

  G_OBJECT_CLASS (mar_scan_input_parent_class)->dispose (object);
}

static void
mar_scan_input_finalize (GObject *object)
{
  MarScanInput *self = (MarScanInput *) object;

  g_clear_pointer (&self->wedge, mar_wedge_free);

  G_OBJECT_CLASS (mar_scan_input_parent_class)->finalize (object);
}

static void
mar_scan_input_class_init (MarScanInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mar_scan_input_dispose;
  object_class->finalize = mar_scan_input_finalize;

  /* ::scanned (GBytes *data): a whole scan, GS kept as 0x1D. */
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);
  /* ::keyed (const char *line, nullable): Enter after a person typed. */
  signals[SIGNAL_KEYED] =
    g_signal_new ("keyed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* ::incomplete: a scan that arrived cut short; scan again. */
  signals[SIGNAL_INCOMPLETE] =
    g_signal_new ("incomplete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mar_scan_input_init (MarScanInput *self)
{
}

MarScanInput *
mar_scan_input_new (GtkWindow            *window,
                    const MarWedgeConfig *config)
{
  MarScanInput *self;
  MarWedgeConfig defaults;
  GtkEventController *controller;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

  if (config == NULL)
    {
      mar_wedge_config_init (&defaults);
      config = &defaults;
    }

  self = g_object_new (MAR_TYPE_SCAN_INPUT, NULL);
  self->wedge = mar_wedge_new (config);
  g_set_weak_pointer (&self->window, window);

  /* Capture phase on the window: before any widget (contract 1). The
   * controller belongs to the window; it calls back into @self only while
   * @self is alive (disconnected in dispose). */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  gtk_event_controller_set_name (controller, "mar-scan-input");
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);

  g_signal_connect_object (window, "notify::focus-widget", G_CALLBACK (focus_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (active_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

gboolean
mar_scan_input_is_idle (MarScanInput *self)
{
  g_return_val_if_fail (MAR_IS_SCAN_INPUT (self), TRUE);
  return mar_wedge_get_deadline (self->wedge) == -1;
}

gint64
mar_scan_input_get_last_scan_time (MarScanInput *self)
{
  g_return_val_if_fail (MAR_IS_SCAN_INPUT (self), 0);
  return self->last_scan_time;
}
