package liverecordcallbacks.verify;

/**
 * A refused notification. {@link #reason()} names the check ({@code too_large},
 * {@code invalid}, {@code missing_signature}, {@code missing_timestamp}, {@code
 * malformed_signature}, {@code mismatch}, {@code stale}, {@code future}); the
 * message never holds a key or the expected signature.
 */
public final class NotificationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;

  NotificationException(String reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  /** The check that failed. */
  public String reason() {
    return reason;
  }

  /** The HTTP status to answer with: 400 for a body that is not a notification, else 401. */
  public int status() {
    return reason.equals("too_large") || reason.equals("invalid") ? 400 : 401;
  }
}
