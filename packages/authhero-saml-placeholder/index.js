// Empty on purpose: authhero's dist inlines the real package.
