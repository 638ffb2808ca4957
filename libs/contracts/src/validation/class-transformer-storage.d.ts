// class-transformer ships its metadata storage as CJS at this path and its types elsewhere.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
