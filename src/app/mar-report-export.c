/* mar-report-export.c — a report (mar-report.h) to a file or to the printer
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-report-export"

#include "config.h"

#include "mar-report-export.h"

#include <glib/gi18n.h>
#include <string.h>

static const char * const format_names[] = { "csv", "pdf" };

const char *
mar_report_format_to_string (MarReportFormat format)
{
  g_return_val_if_fail (format <= MAR_REPORT_FORMAT_PDF, NULL);
  return format_names[format];
}

gboolean
mar_report_format_from_string (const char      *text,
                               MarReportFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_strcmp0 (text, format_names[i]) == 0)
      {
        *format = (MarReportFormat) i;
        return TRUE;
      }
  return FALSE;
}

MarReportPaper
mar_report_export_get_paper (void)
{
  g_autoptr(GtkPaperSize) size = gtk_paper_size_new (NULL);

  return g_strcmp0 (gtk_paper_size_get_name (size), GTK_PAPER_NAME_LETTER) == 0
         ? MAR_REPORT_PAPER_LETTER : MAR_REPORT_PAPER_A4;
}

/* Lower-case letters, digits and single dashes: safe on any file system. */
static void
append_slug (GString    *out,
             const char *text)
{
  gboolean dash = out->len > 0 && out->str[out->len - 1] != '-';

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 128 && g_ascii_isalnum ((char) c))
        {
          if (dash && out->len > 0)
            g_string_append_c (out, '-');
          dash = FALSE;
          g_string_append_c (out, g_ascii_tolower ((char) c));
        }
      else
        dash = TRUE;
    }
}

char *
mar_report_export_dup_file_name (MarReport       *report,
                                 MarReportFormat  format)
{
  GString *name = g_string_new (NULL);

  g_return_val_if_fail (report != NULL, NULL);

  append_slug (name, mar_report_kind_to_string (report->kind));
  append_slug (name, report->unit_name != NULL ? report->unit_name : report->unit_id);
  append_slug (name, report->shift_date);
  append_slug (name, report->shift_name);
  if (name->len == 0)
    g_string_append (name, "report");
  g_string_append_printf (name, ".%s", mar_report_format_to_string (format));
  return g_string_free (name, FALSE);
}

gboolean
mar_report_export_to_file (MarReport        *report,
                           const char       *path,
                           MarReportFormat   format,
                           GError          **error)
{
  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (format == MAR_REPORT_FORMAT_CSV)
    {
      g_autofree char *csv = mar_report_to_csv (report, 0);

      return g_file_set_contents_full (path, csv, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
    }
  else
    {
      g_autoptr(GBytes) pdf = mar_report_to_pdf (report, mar_report_export_get_paper (), error);
      gsize size = 0;
      const char *data;

      if (pdf == NULL)
        return FALSE;
      data = g_bytes_get_data (pdf, &size);
      return g_file_set_contents_full (path, data, (gssize) size, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
    }
}

/* ---- Save as ---- */

typedef struct
{
  MarReport            *report;
  MarReportFormat       format;
  GtkFileChooserNative *chooser;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_pointer (&data->report, mar_report_unref);
  if (data->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (data->chooser));
  g_clear_object (&data->chooser);
  g_free (data);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response != GTK_RESPONSE_ACCEPT
      || (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Not saved"));
      return;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Save the report in a folder of this terminal or on a USB drive."));
      return;
    }
  if (!mar_report_export_to_file (data->report, path, data->format, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

void
mar_report_export_save_async (GtkWindow           *parent,
                              MarReport           *report,
                              MarReportFormat      format,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  SaveData *data;

  g_return_if_fail (report != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mar_report_export_save_async);
  data = g_new0 (SaveData, 1);
  data->report = mar_report_ref (report);
  data->format = format;
  data->chooser = gtk_file_chooser_native_new (format == MAR_REPORT_FORMAT_CSV ? _("Export CSV") : _("Export PDF"),
                                               parent, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  name = mar_report_export_dup_file_name (report, format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->chooser), name);
  if (format == MAR_REPORT_FORMAT_CSV)
    {
      gtk_file_filter_set_name (filter, _("CSV spreadsheet"));
      gtk_file_filter_add_mime_type (filter, "text/csv");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PDF document"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
    }
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->chooser), TRUE);
  g_signal_connect (data->chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->chooser));
}

char *
mar_report_export_save_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Printing ---- */

typedef struct
{
  MarReport       *report;
  MarReportLayout *layout;
  gboolean         done;     /* "done" was emitted (and dropped the operation) */
} PrintData;

static void
print_data_free (gpointer user_data)
{
  PrintData *data = user_data;

  g_clear_pointer (&data->layout, mar_report_layout_free);
  g_clear_pointer (&data->report, mar_report_unref);
  g_free (data);
}

static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                gpointer           user_data)
{
  PrintData *data = user_data;

  /* Laid out once for the paper chosen in the dialog, measured with the
   * printer's own cairo context (its font metrics). */
  g_clear_pointer (&data->layout, mar_report_layout_free);
  data->layout = mar_report_layout_new (data->report, gtk_print_context_get_cairo_context (context),
                                        gtk_print_context_get_width (context),
                                        gtk_print_context_get_height (context));
  gtk_print_operation_set_n_pages (operation, (int) mar_report_layout_get_n_pages (data->layout));
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              gpointer           user_data)
{
  PrintData *data = user_data;

  mar_report_layout_render_page (data->layout, gtk_print_context_get_cairo_context (context), (guint) page);
}

static GtkPrintOperation *
new_print_operation (MarReport *report)
{
  GtkPrintOperation *operation = gtk_print_operation_new ();
  g_autoptr(GtkPageSetup) setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper = gtk_paper_size_new (mar_report_export_get_paper () == MAR_REPORT_PAPER_LETTER
                                                      ? GTK_PAPER_NAME_LETTER : GTK_PAPER_NAME_A4);
  PrintData *data = g_new0 (PrintData, 1);

  data->report = mar_report_ref (report);
  /* The shift log is a wide table: landscape, as the PDF. The renderer
   * keeps its own margins, so the page is used whole. */
  gtk_page_setup_set_paper_size_and_default_margins (setup, paper);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_LANDSCAPE);
  gtk_page_setup_set_top_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_bottom_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_left_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_page_setup_set_right_margin (setup, 0, GTK_UNIT_POINTS);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, report->title);
  g_object_set_data_full (G_OBJECT (operation), "mar-print-data", data, print_data_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), data);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), data);
  return operation;
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               gpointer                 user_data)
{
  g_autoptr(GError) error = NULL;
  PrintData *data = g_object_get_data (G_OBJECT (operation), "mar-print-data");

  data->done = TRUE;
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      g_warning ("Printing failed: %s", error != NULL ? error->message : "unknown error");
    }
  g_object_unref (operation);
}

void
mar_report_export_print (GtkWindow *parent,
                         MarReport *report)
{
  GtkPrintOperation *operation;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;
  PrintData *data;

  g_return_if_fail (report != NULL);

  operation = new_print_operation (report);
  data = g_object_get_data (G_OBJECT (operation), "mar-print-data");
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), NULL);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &error);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    g_warning ("Printing failed: %s", error->message);
  /* The operation lives until "done"; a run that ended at once (the
   * dialog cancelled, an error) may not have emitted it. */
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS && !data->done)
    g_object_unref (operation);
}

gboolean
mar_report_export_print_to_file (MarReport   *report,
                                 const char  *path,
                                 GError     **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  GtkPrintOperationResult result;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  operation = new_print_operation (report);
  gtk_print_operation_set_export_filename (operation, path);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, error);
  return result != GTK_PRINT_OPERATION_RESULT_ERROR;
}
