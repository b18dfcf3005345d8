package io.flowgate.engine.web;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.net.URI;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.validation.BindingResult;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of Flowgate's API as {@code application/problem+json} with a {@code detail} that says
 * what to fix. Spring MVC's own exceptions (wrong content type, unknown path, wrong method) keep
 * their status; validation failures list every field; unreadable JSON is a 400 that points at the
 * field or the position, never a 5xx. Input values are never echoed: they may be secrets.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiProblem.class)
  ResponseEntity<Object> apiProblem(ApiProblem problem, WebRequest request) {
    abortIfCommitted(problem, request);
    return respond(problem.toProblemDetail(), problem.status(), request);
  }

  @ExceptionHandler(DuplicateKeyException.class)
  ResponseEntity<Object> duplicate(DuplicateKeyException e, WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.CONFLICT,
            "Something with the same name or key exists already; choose another one");
    body.setTitle("Conflict");
    return respond(body, HttpStatus.CONFLICT, request);
  }

  /**
   * A multipart body: the JSON API takes none, and the body limit has read the stream already, so
   * the servlet container cannot parse it either.
   */
  @ExceptionHandler(MultipartException.class)
  ResponseEntity<Object> multipart(MultipartException e, WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Send the body with Content-Type application/json; multipart bodies are not accepted"
                + " here");
    body.setTitle("Unsupported media type");
    return respond(body, HttpStatus.UNSUPPORTED_MEDIA_TYPE, request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, WebRequest request) throws Exception {
    abortIfCommitted(e, request);
    Optional<String> unavailable = Unavailable.detail(e);
    if (unavailable.isPresent()) {
      // PostgreSQL or the object store down: the transaction was rolled back, the caller may retry
      log.warn("{} answered 503: {}", describe(request), e.toString());
      ProblemDetail body =
          ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, unavailable.get());
      body.setTitle("Service unavailable");
      return respond(body, HttpStatus.SERVICE_UNAVAILABLE, request);
    }
    log.error("Unexpected error on {}", describe(request), e);
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "Flowgate failed to handle this request; the server log has the details");
    body.setTitle("Internal error");
    return respond(body, HttpStatus.INTERNAL_SERVER_ERROR, request);
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return invalidFields(fieldErrors(e.getBindingResult()), request);
  }

  @Override
  protected ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            result -> {
              String name = result.getMethodParameter().getParameterName();
              for (MessageSourceResolvable error : result.getResolvableErrors()) {
                String field =
                    error instanceof FieldError fieldError ? fieldError.getField() : name;
                errors.add(new ApiProblem.FieldError(field, error.getDefaultMessage()));
              }
            });
    return invalidFields(errors, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, unreadableDetail(e));
    body.setTitle("Unreadable body");
    return respond(body, HttpStatus.BAD_REQUEST, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    String supported =
        e.getSupportedMediaTypes().isEmpty()
            ? "application/json"
            : e.getSupportedMediaTypes().stream()
                .map(Object::toString)
                .collect(Collectors.joining(", "));
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "Send the body with Content-Type " + supported + " (got " + sent(e) + ")");
    body.setTitle("Unsupported media type");
    return respond(body, HttpStatus.UNSUPPORTED_MEDIA_TYPE, headers, request);
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e,
      @Nullable Object body,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (body instanceof ProblemDetail problem) {
      problem.setInstance(instance(request));
    }
    return super.handleExceptionInternal(e, body, headers, status, request);
  }

  private ResponseEntity<Object> invalidFields(
      List<ApiProblem.FieldError> errors, WebRequest request) {
    String summary =
        errors.stream()
            .map(error -> error.field() + ": " + error.message())
            .distinct()
            .sorted()
            .collect(Collectors.joining("; "));
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Fix these fields: " + summary);
    body.setTitle("Invalid input");
    body.setProperty("errors", errors);
    return respond(body, HttpStatus.BAD_REQUEST, request);
  }

  private static List<ApiProblem.FieldError> fieldErrors(BindingResult result) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (FieldError error : result.getFieldErrors()) {
      errors.add(new ApiProblem.FieldError(error.getField(), error.getDefaultMessage()));
    }
    result
        .getGlobalErrors()
        .forEach(
            error ->
                errors.add(
                    new ApiProblem.FieldError(error.getObjectName(), error.getDefaultMessage())));
    return errors;
  }

  /** What is wrong with a body Jackson could not read, without repeating the body. */
  static String unreadableDetail(HttpMessageNotReadableException e) {
    Throwable cause = e.getCause();
    if (cause == null) {
      return "The request needs a JSON body";
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      Collection<Object> known =
          unknown.getKnownPropertyIds() == null ? List.of() : unknown.getKnownPropertyIds();
      return "Unknown field '"
          + ApiProblem.printable(unknown.getPropertyName())
          + "'; the fields are: "
          + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
    }
    if (cause instanceof InvalidFormatException format) {
      return "Field '"
          + path(format)
          + "' has a wrong value: expected "
          + expected(format.getTargetType());
    }
    if (cause instanceof ValueInstantiationException instantiation) {
      return "The body could not be read"
          + (instantiation.getPath().isEmpty() ? "" : " at '" + path(instantiation) + "'")
          + ": check every field's type";
    }
    if (cause instanceof MismatchedInputException mismatched) {
      if (mismatched.getPath().isEmpty()) {
        return "The body must be a JSON object with the documented fields";
      }
      return "Field '"
          + path(mismatched)
          + "' has the wrong type: expected "
          + expected(mismatched.getTargetType());
    }
    if (cause instanceof StreamConstraintsException) {
      return "The JSON body nests too deeply or holds too long a value; simplify it";
    }
    if (cause instanceof JsonParseException parse) {
      return "The body is not valid JSON (line "
          + parse.getLocation().getLineNr()
          + ", column "
          + parse.getLocation().getColumnNr()
          + "); fix the syntax";
    }
    if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      return "Field '" + path(mapping) + "' could not be read: check its type";
    }
    if (cause instanceof JsonProcessingException) {
      return "The body is not valid JSON; fix the syntax";
    }
    return "The body could not be read as JSON; send a complete JSON object";
  }

  private static String path(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ApiProblem.printable(reference.getFieldName()));
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type.isEnum()) {
      return "one of "
          + Arrays.stream(type.getEnumConstants())
              .map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
              .collect(Collectors.joining(", "));
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "an ISO-8601 UTC time such as 2030-01-31T12:00:00Z";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "an object";
  }

  private static String sent(HttpMediaTypeNotSupportedException e) {
    return e.getContentType() == null ? "none" : e.getContentType().toString();
  }

  private ResponseEntity<Object> respond(
      ProblemDetail body, HttpStatus status, WebRequest request) {
    return respond(body, status, new HttpHeaders(), request);
  }

  private ResponseEntity<Object> respond(
      ProblemDetail body, HttpStatus status, HttpHeaders headers, WebRequest request) {
    body.setInstance(instance(request));
    return ResponseEntity.status(status).headers(headers).body(body);
  }

  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.NOT_FOUND,
            "There is no endpoint "
                + e.getHttpMethod()
                + " /"
                + ApiProblem.printable(e.getResourcePath())
                + "; the API is described at /swagger-ui.html");
    body.setTitle("Not found");
    return respond(body, HttpStatus.NOT_FOUND, request);
  }

  /**
   * A response whose status and part of whose body went out already (a streamed download) cannot
   * carry a problem: appending one would hand the client a wrong body. The exception goes on to the
   * servlet container, which then closes the connection, so the client sees the response cut short.
   */
  private static <E extends Exception> void abortIfCommitted(E e, WebRequest request) throws E {
    if (request instanceof ServletWebRequest servlet
        && servlet.getResponse() != null
        && servlet.getResponse().isCommitted()) {
      throw e;
    }
  }

  private static URI instance(WebRequest request) {
    if (request instanceof ServletWebRequest servlet) {
      try {
        return URI.create(servlet.getRequest().getRequestURI());
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }

  private static String describe(WebRequest request) {
    return request instanceof ServletWebRequest servlet
        ? servlet.getRequest().getMethod() + " " + servlet.getRequest().getRequestURI()
        : request.getDescription(false);
  }
}
