// The report formats, apart from the report builder so that `allies report --help` can list
// them without loading Plot, linkedom or the PDF code.
export const REPORT_FORMATS = ['html', 'md', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
