package emulator

import "github.com/pipes-emulator/pipes-emulator/openapi"

// violationError turns a request that breaks our spec into the API's error: 415 for a body of
// the wrong media type, else 400 invalid_request_parameters naming every field at fault.
func violationError(v *openapi.Violation) error {
	e := &Error{Code: CodeInvalidRequest, Message: v.Message()}
	if v.UnsupportedMediaType {
		e.Code = CodeUnsupportedMediaType
	}
	for _, f := range v.Fields {
		e.Fields = append(e.Fields, FieldError{Field: f.Field, Code: f.Code})
	}
	return e
}
