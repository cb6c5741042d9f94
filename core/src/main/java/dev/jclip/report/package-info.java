/**
 * Results people can look at: an append-only JSON-lines {@link dev.jclip.report.MetricsLog},
 * PNG {@link dev.jclip.report.Charts}, a self-contained {@link dev.jclip.report.HtmlReport}, and
 * {@link dev.jclip.report.TrainingReport}, which turns a training log into plots and a page.
 */
package dev.jclip.report;
