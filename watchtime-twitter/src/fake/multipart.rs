//! Reading a `multipart/form-data` body as X does (field names, file names, each
//! part's content type), with `multer`.

use wiremock::Request;

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) file_name: Option<String>,
    pub(super) content_type: Option<String>,
    pub(super) data: Vec<u8>,
}

impl Field {
    pub(super) fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.data).ok()
    }
}

/// The parts of `req`'s body, or why it is not a multipart form.
pub(super) fn fields(req: &Request) -> Result<Vec<Field>, String> {
    let content_type = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .ok_or("no Content-Type")?;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("not multipart/form-data ({content_type}): {e}"))?;
    let body = req.body.clone();
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    futures::executor::block_on(async {
        let mut fields = Vec::new();
        while let Some(field) = form.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or_default().to_owned();
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(ToString::to_string);
            let data = field.bytes().await.map_err(|e| e.to_string())?.to_vec();
            fields.push(Field {
                name,
                file_name,
                content_type,
                data,
            });
        }
        Ok(fields)
    })
}
